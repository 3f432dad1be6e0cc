import type { AppContext } from '../app/context.js';
import { type Config, loadConfig } from '../config/config.js';
import { createDb, type Db } from '../db/db.js';
import { createLogger, type Logger } from '../infra/logger.js';
import { startupError } from '../runtime/startup-error.js';

/**
 * What a one-shot command uses. No Redis and no second pool: the commands write only to Postgres (what they
 * queue goes through the outbox, sent by a running worker), and an MTA starts one of them per message.
 */
export interface CommandServices {
  config: Config;
  logger: Logger;
  db: Db;
  app: AppContext;
}

/** Runs a one-shot command with a connected database, and closes it after. */
export async function withServices<T>(fn: (s: CommandServices) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const db = createDb(config.DATABASE_URL, 2);
  try {
    await db.raw('select 1');
  } catch (err) {
    await db.destroy();
    throw startupError('Postgres (DATABASE_URL)', config.DATABASE_URL, err);
  }
  try {
    return await fn({
      config,
      logger,
      db,
      app: { db, catalog: config.catalog, ticketPrefix: config.TICKET_PREFIX },
    });
  } finally {
    await db.destroy();
  }
}
