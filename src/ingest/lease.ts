import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

const within = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('redis timeout')), ms).unref()),
  ]);

/**
 * A lease in Redis: one holder at a time, renewed while alive, gone `ttlMs` after the holder dies (kill -9), so
 * another worker takes over within seconds. Exactly-once does not depend on it (the database record does); it
 * keeps two watchers from doing the same work.
 */
export class Lease {
  /** Names the holder (host and pid) for operators: `redis-cli get <key>`. */
  private readonly token = `${hostname()}:${process.pid}:${randomBytes(8).toString('hex')}`;

  constructor(
    private readonly redis: Redis,
    readonly key: string,
    readonly ttlMs: number,
  ) {}

  async acquire(): Promise<boolean> {
    return (await within(this.redis.set(this.key, this.token, 'PX', this.ttlMs, 'NX'), 2000)) === 'OK';
  }

  /** False when the lease was lost (expired and maybe taken by another worker) or Redis did not answer. */
  async renew(): Promise<boolean> {
    try {
      return (await within(this.redis.eval(RENEW, 1, this.key, this.token, String(this.ttlMs)), 2000)) === 1;
    } catch {
      return false;
    }
  }

  async release(): Promise<void> {
    await within(this.redis.eval(RELEASE, 1, this.key, this.token), 2000).catch(() => {});
  }
}
