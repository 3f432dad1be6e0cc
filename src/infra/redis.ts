import { Redis } from 'ioredis';

/** Client for BullMQ and sessions: commands wait for a reconnect instead of failing (BullMQ requires it). */
export const createRedis = (url: string): Redis =>
  new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });

/** Client whose commands in flight fail when the connection drops, instead of being sent again after a reconnect. */
export const createFailFastRedis = (url: string): Redis => new Redis(url, { maxRetriesPerRequest: 0 });

/** One connection attempt with a short timeout, to say clearly at start-up that Redis is not there. */
export async function probeRedis(url: string, timeoutMs = 3000): Promise<void> {
  const r = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
  });
  let lastError: Error | null = null;
  r.on('error', (err: Error) => {
    lastError = err;
  });
  try {
    await r.connect();
    await r.ping();
  } catch (err) {
    throw lastError ?? err;
  } finally {
    r.disconnect();
  }
}
