import type { Db } from '../db/db.js';
import type { Catalog } from '../domain/catalog.js';
import type { ReleaseProcessor } from './agent/quarantine.js';

/** What the use cases need: the database and the installation's rules. No HTTP, no mail, no queue. */
export interface AppContext {
  db: Db;
  catalog: Catalog;
  ticketPrefix: string;
  /**
   * How a released held mail is processed: the ingest's parse → decide path, wired in at start-up
   * (runtime/services.ts) so that the use case, not the web, depends on it. Unset: releasing is refused.
   */
  mailRelease?: ReleaseProcessor;
}
