import { loadConfig } from '../config/config.js';
import { migrate } from '../db/db.js';
import { createLogger } from '../infra/logger.js';
import { startIngest } from '../ingest/index.js';
import { startJobs } from '../jobs/scheduler.js';
import { startOutbound } from '../outbound/index.js';
import { startWeb } from '../web/server.js';
import type { HealthCheck } from './health.js';
import type { RunningPart } from './part.js';
import { connectServices, type Services } from './services.js';
import { listenError } from './startup-error.js';

export interface ProcessRoles {
  web: boolean;
  worker: boolean;
  migrate: boolean;
}

/** Boots the roles asked for in this process and stops them gracefully on SIGTERM/SIGINT. */
export async function runProcess(
  roles: ProcessRoles,
  afterStart?: (s: Services) => Promise<void>,
): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const s = await connectServices(config, logger);
  if (roles.migrate) {
    const done = await migrate(s.db);
    if (done.length) logger.info({ migrations: done }, 'migrations applied');
  }
  const parts: RunningPart[] = [];
  const health: Record<string, HealthCheck> = {};
  if (roles.worker) {
    for (const part of [await startOutbound(s), await startIngest(s), await startJobs(s)]) {
      parts.push(part);
      if (part.health) health[part.name] = part.health;
    }
  } else if (!config.imapEnabled) {
    health.imap = async () => ({ ok: true, detail: 'off: no mailbox configured (IMAP_HOST, IMAP_USER)' });
  }
  if (roles.web) {
    const web = await startWeb(s, { health }).catch((err: unknown) => {
      throw listenError(config.HOST, config.PORT, err);
    });
    parts.unshift(web);
  }
  if (afterStart) await afterStart(s);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out, exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    for (const p of parts) {
      await p.stop().catch((err: unknown) => logger.error({ err, part: p.name }, 'error while stopping'));
    }
    await s.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
