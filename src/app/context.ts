import type { Db } from '../db/db.js';
import type { Catalog } from '../domain/catalog.js';

/** What the use cases need: the database and the installation's rules. No HTTP, no mail, no queue. */
export interface AppContext {
  db: Db;
  catalog: Catalog;
  ticketPrefix: string;
}
