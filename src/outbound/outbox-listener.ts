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
