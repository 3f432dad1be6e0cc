import type { Redis } from 'ioredis';
import type { AppContext } from '../app/context.js';
import type { Config } from '../config/config.js';
import { createDb, type Db } from '../db/db.js';
import { createStatementPool, type StatementPool } from '../db/prepared-query.js';
import type { Logger } from '../infra/logger.js';
import { createRedis, probeRedis } from '../infra/redis.js';
import { releaseProcessor } from '../ingest/release.js';
import { watchRedis } from './health.js';
import { startupError } from './startup-error.js';

/** The shared handles of one process: built once at boot, closed once at shutdown. */
export interface Services {
  config: Config;
  logger: Logger;
  db: Db;
  /** A small plain pg pool for the hottest statements (see prepared-query.ts). */
  pg: StatementPool;
  redis: Redis;
  app: AppContext;
  close(): Promise<void>;
}

export async function connectServices(config: Config, logger: Logger): Promise<Services> {
  const db = createDb(config.DATABASE_URL);
  try {
    await db.raw('select 1');
  } catch (err) {
    await db.destroy();
    throw startupError('Postgres (DATABASE_URL)', config.DATABASE_URL, err);
  }
  try {
    await probeRedis(config.REDIS_URL);
  } catch (err) {
    await db.destroy();
    throw startupError('Redis (REDIS_URL)', config.REDIS_URL, err);
  }
  const redis = createRedis(config.REDIS_URL);
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  watchRedis(redis);
  const pg = createStatementPool(config.DATABASE_URL, logger);
  return {
    config,
    logger,
    db,
    pg,
    redis,
    app: {
      db,
      catalog: config.catalog,
      ticketPrefix: config.TICKET_PREFIX,
      agentFollowupMailDelaySeconds: config.AGENT_FOLLOWUP_MAIL_DELAY_SECONDS,
      survey: { enabled: config.SURVEY_ENABLED, delayMinutes: config.SURVEY_DELAY_MINUTES },
      mailRelease: releaseProcessor(config),
    },
    async close() {
      redis.disconnect();
      await Promise.all([db.destroy(), pg.end()]);
    },
  };
}
