import type { Db } from '../db/db.js';
import type { Catalog } from '../domain/catalog.js';

/** What the use cases need: the database and the installation's rules. No HTTP, no mail, no queue. */
export interface AppContext {
  db: Db;
  catalog: Catalog;
  ticketPrefix: string;
  /** Customer follow-ups within this window reach the agents as one mail (AGENT_FOLLOWUP_MAIL_DELAY_SECONDS); 0 when unset. */
  agentFollowupMailDelaySeconds?: number;
}
