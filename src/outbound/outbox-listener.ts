import type { Redis } from 'ioredis';
import pg from 'pg';
import { OUTBOX_CHANNEL } from '../app/outbox.js';
import type { Logger } from '../infra/logger.js';

export interface OutboxListener {
  stop(): Promise<void>;
}

/**
 * LISTENs to the outbox channel on a connection of its own, calling `wake` on each notification and once
 * connected (what committed while it was away); a lost connection is opened again after 2 s.
 */
export function listenOutbox(
  deps: { databaseUrl: string; logger: Logger; name: string },
  wake: () => void,
): OutboxListener {
  const { logger, name } = deps;
  let stopped = false;
  let listener: pg.Client | null = null;
  let reconnectTimer: NodeJS.Timeout | null = null;
  const listen = async () => {
    if (stopped) return;
    const client = new pg.Client({ connectionString: deps.databaseUrl });
    const retry = () => {
      if (stopped || reconnectTimer) return;
      client.end().catch(() => {});
      if (listener === client) listener = null;
      reconnectTimer = setTimeout(() => {
        reconnectTimer = null;
        void listen();
      }, 2000);
    };
    client.on('error', (err) => {
      logger.warn({ err: err.message }, `${name}: LISTEN connection lost`);
      retry();
    });
    client.on('notification', () => wake());
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      listener = client;
      if (stopped) await client.end();
      else wake();
    } catch (err) {
      logger.warn({ err: (err as Error).message }, `${name}: cannot LISTEN yet`);
      retry();
    }
  };
  void listen();
  return {
    async stop() {
      stopped = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      await listener?.end().catch(() => {});
      listener = null;
    },
  };
}

export interface OutboxWaker {
  /** Runs a round now; concurrent calls share one run, and a call during a run asks for one more round. */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Runs `round` whenever the outbox may hold work: on each NOTIFY, when Redis is ready again, and every
 * `sweepMs` (a missed NOTIFY). The mail relay and the webhook fan-out both move committed rows this way.
 */
export function wakeOnOutbox(
  deps: { databaseUrl: string; logger: Logger; name: string; queueRedis: Redis; sweepMs: number },
  round: () => Promise<number>,
): OutboxWaker {
  const { logger, name } = deps;
  let running: Promise<number> | null = null;
  let again = false;
  let stopped = false;
  const drain = (): Promise<number> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        total += await round();
      } while (again && !stopped);
      return total;
    })()
      .catch((err: unknown) => {
        logger.warn({ err: (err as Error).message }, `${name}: will try again`);
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const listener = listenOutbox(deps, () => void drain());
  // Redis coming back is the moment to move what waited.
  deps.queueRedis.on('ready', () => void drain());
  const sweep = setInterval(() => void drain(), deps.sweepMs);
  return {
    drain,
    async stop() {
      stopped = true;
      clearInterval(sweep);
      await listener.stop();
      if (running) await Promise.race([running, new Promise((r) => setTimeout(r, 2000))]);
    },
  };
}
