import type { Redis } from 'ioredis';
import { imapCheck, smtpCheck } from './mail-probes.js';
import type { Services } from './services.js';

export interface ComponentHealth {
  ok: boolean;
  detail?: string;
  /** Sub-checks, e.g. each watched IMAP folder. */
  components?: Record<string, ComponentHealth>;
}

export interface HealthReport {
  ok: boolean;
  components: Record<string, ComponentHealth>;
}

/** Extra checks registered by the parts of this process (ingest mailboxes, SMTP). */
export type HealthCheck = () => Promise<ComponentHealth>;

const CHECK_TIMEOUT_MS = 2000;

/** Rejects after `ms` unless `p` settles first; the timer is cleared either way. */
export async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<T>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const errorText = (err: unknown): string => {
  const e = err as { message?: string; code?: string; errors?: { message?: string }[] };
  return e.message || e.errors?.[0]?.message || e.code || String(err);
};

async function check(fn: () => Promise<unknown>, ms = CHECK_TIMEOUT_MS): Promise<ComponentHealth> {
  try {
    await withTimeout(fn(), ms);
    return { ok: true };
  } catch (err) {
    return { ok: false, detail: errorText(err) };
  }
}

const redisErrors = new WeakMap<Redis, string>();

/** Remembers a client's last connection error, so readiness can say why Redis is not reachable. */
export function watchRedis(redis: Redis): void {
  redis.on('error', (err: Error) => redisErrors.set(redis, errorText(err)));
  redis.on('ready', () => redisErrors.delete(redis));
}

async function redisCheck(redis: Redis): Promise<ComponentHealth> {
  // This client queues commands while reconnecting (BullMQ needs that): once a reconnect has failed,
  // a ping would only time out, so say why at once. While it is still connecting, let the ping wait.
  const last = redisErrors.get(redis);
  if (redis.status !== 'ready' && last)
    return { ok: false, detail: `not connected (${redis.status}): ${last}` };
  const result = await check(() => redis.ping());
  return result.ok || redis.status === 'ready'
    ? result
    : { ok: false, detail: `not connected (${redis.status}): ${result.detail}` };
}

/**
 * Readiness: Postgres, Redis, SMTP and each IMAP folder, plus the checks of this process's parts.
 * Checks run in parallel; one that fails says why in `detail`.
 */
export async function healthReport(s: Services, extra: Record<string, HealthCheck>): Promise<HealthReport> {
  const checks: [string, HealthCheck][] = [
    ['postgres', () => check(() => s.db.raw('select 1'))],
    ['redis', () => redisCheck(s.redis)],
    ['smtp', () => smtpCheck(s.config)],
    ['imap', () => imapCheck(s.config)],
    ...Object.entries(extra),
  ];
  const results = await Promise.all(
    checks.map(([, fn]) => fn().catch((err: unknown) => ({ ok: false, detail: errorText(err) }))),
  );
  const components = Object.fromEntries(checks.map(([name], i) => [name, results[i] as ComponentHealth]));
  return { ok: results.every((c) => c.ok), components };
}
