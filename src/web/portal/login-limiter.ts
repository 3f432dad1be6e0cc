import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Services } from '../../runtime/services.js';

/**
 * Failed logins slow down per account (5 per 15 min) and per client address (20 per 15 min), in Redis so all
 * web processes share the count. A success clears the account's count.
 */
const WINDOW_S = 15 * 60;

interface Limiters {
  account: RateLimiterRedis;
  ip: RateLimiterRedis;
}
const cache = new WeakMap<Services, Limiters>();

function limiters(s: Services): Limiters {
  let l = cache.get(s);
  if (!l) {
    const make = (name: string, points: number) =>
      new RateLimiterRedis({
        storeClient: s.redis,
        keyPrefix: `${s.config.REDIS_PREFIX}:login:${name}`,
        points,
        duration: WINDOW_S,
        blockDuration: WINDOW_S,
      });
    l = { account: make('account', 5), ip: make('ip', 20) };
    cache.set(s, l);
  }
  return l;
}

const accountKey = (email: string) => email.trim().toLowerCase();

/** Milliseconds until a login may be tried again, or 0 when it may be tried now. */
export async function loginRetryAfter(s: Services, email: string, ip: string): Promise<number> {
  const l = limiters(s);
  const [a, i] = await Promise.all([l.account.get(accountKey(email)), l.ip.get(ip)]);
  const blocked = [
    [a, l.account.points],
    [i, l.ip.points],
  ] as const;
  return Math.max(0, ...blocked.map(([r, pts]) => (r && r.consumedPoints >= pts ? r.msBeforeNext : 0)));
}

/** Counts a failure; returns the wait when this failure used up the allowance, else 0. */
export async function recordLoginFailure(s: Services, email: string, ip: string): Promise<number> {
  const l = limiters(s);
  const results = await Promise.all(
    [l.account.consume(accountKey(email)), l.ip.consume(ip)].map((p) =>
      p.then(
        (r) => ({ blocked: false, ms: r.msBeforeNext }),
        (r: unknown) => {
          if (r instanceof RateLimiterRes) return { blocked: true, ms: r.msBeforeNext };
          throw r;
        },
      ),
    ),
  );
  return Math.max(0, ...results.filter((r) => r.blocked).map((r) => r.ms));
}

export async function clearLoginFailures(s: Services, email: string): Promise<void> {
  await limiters(s).account.delete(accountKey(email));
}
