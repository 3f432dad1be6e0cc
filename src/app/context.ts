import type { Db } from '../db/db.js';
import type { Catalog } from '../domain/catalog.js';
import type { ReleaseProcessor } from './agent/quarantine.js';

/** What the use cases need: the database and the installation's rules. No HTTP, no mail, no queue. */
export interface AppContext {
  db: Db;
  catalog: Catalog;
  ticketPrefix: string;
  /** Customer follow-ups within this window reach the agents as one mail (AGENT_FOLLOWUP_MAIL_DELAY_SECONDS); 0 when unset. */
  agentFollowupMailDelaySeconds?: number;
  /** The satisfaction survey at a ticket's closing (SURVEY_ENABLED, SURVEY_DELAY_MINUTES); unset: none. */
  survey?: { enabled: boolean; delayMinutes: number };
  /**
   * How a released held mail is processed: the ingest's parse → decide path, wired in at start-up
   * (runtime/services.ts) so that the use case, not the web, depends on it. Unset: releasing is refused.
   */
  mailRelease?: ReleaseProcessor;
  /** The time of the use cases' clocks (SLA due instants); tests pass a fixed one. Unset: the real time. */
  now?: () => Date;
}

export const nowOf = (ctx: AppContext): Date => ctx.now?.() ?? new Date();
