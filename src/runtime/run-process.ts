import { loadConfig } from '../config/config.js';
import { migrate } from '../db/db.js';
import { createLogger } from '../infra/logger.js';
import { startIngest } from '../ingest/index.js';
import { startJobs } from '../jobs/scheduler.js';
import { startOutbound } from '../outbound/index.js';
import { startWebhooks } from '../outbound/webhooks.js';
import { startWeb } from '../web/server.js';
import type { HealthCheck } from './health.js';
import { startOpsServer } from './ops-server.js';
import type { RunningPart } from './part.js';
import { connectServices, type Services } from './services.js';
import { listenError, StartupError } from './startup-error.js';

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
  let stopping = false;
  const parts: RunningPart[] = [];
  const health: Record<string, HealthCheck> = {
    // Load balancers stop routing here as soon as shutdown begins.
    process: async () => (stopping ? { ok: false, detail: 'shutting down' } : { ok: true }),
  };
  if (roles.worker) {
    for (const part of [
      await startOutbound(s),
      await startWebhooks(s),
      await startIngest(s),
      await startJobs(s),
    ]) {
      parts.push(part);
      if (part.health) health[`worker:${part.name}`] = part.health;
    }
  }
  if (roles.web) {
    const web = await startWeb(s, { health }).catch((err: unknown) => {
      throw listenError(config.HOST, config.PORT, err);
    });
    parts.unshift(web);
  }
  if (config.METRICS_PORT !== undefined) {
    const port = config.METRICS_PORT;
    const ops = await startOpsServer(s, port, health).catch((err: unknown) => {
      throw new StartupError(
        `cannot listen on ${config.HOST}:${port} (HOST, METRICS_PORT): ${(err as Error).message}`,
      );
    });
    parts.push(ops);
  }
  if (afterStart) await afterStart(s);

  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutting down');
    setTimeout(() => {
      logger.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out, exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS).unref();
    // Every part stops taking work at once and finishes (or hands back) what it holds.
    await Promise.all(
      parts.map((p) =>
        p.stop().catch((err: unknown) => logger.error({ err, part: p.name }, 'error while stopping')),
      ),
    );
    await s.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // A bug that escaped every handler: say so in the log (Node would only print it to stderr), then exit
  // for the supervisor to restart; work in hand is safe (mail is acknowledged after commit, jobs come back).
  const crash = (kind: string) => (err: unknown) => {
    logger.fatal({ err }, kind);
    process.exit(1);
  };
  process.on('uncaughtException', crash('uncaught exception'));
  process.on('unhandledRejection', crash('unhandled promise rejection'));
}
