import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Services } from '../../runtime/services.js';

/**
 * Failed sign-ins, counted in Redis so every web process shares them. "Lock per account and address, slow per
 * account", so nobody can lock an owner out of her account:
 * - an address that fails an account 5 times (in 24 h) must then wait before each further try on that account
 *   from there: 1 min after the 5th failure, doubling with each failure, at most an hour;
 * - once an account has failed 20 times (from anywhere, in 24 h), that wait starts at the first failure of
 *   each address: a spread-out attack gets one try per address, then slows down;
 * - an address that has not failed the account signs in as usual, whatever the account's count;
 * - one address failing 20 times (any accounts) in 15 minutes is held for 15 minutes.
 * A success clears the count of that account from that address. The account's count is shown to agents.
 */
const DAY_S = 24 * 3600;
const IP_WINDOW_S = 15 * 60;
const PAIR_FREE = 5;
const ACCOUNT_UNDER_ATTACK = 20;
const IP_POINTS = 20;
const FIRST_WAIT_S = 60;
const MAX_WAIT_S = 3600;

interface Limiters {
  /** Failures per account+address (counting only). */
  pair: RateLimiterRedis;
  /** The current wait of an account+address, set with block(). */
  wait: RateLimiterRedis;
  /** Failures per account, any address (counting only). */
  account: RateLimiterRedis;
  ip: RateLimiterRedis;
}
const cache = new WeakMap<Services, Limiters>();

function limiters(s: Services): Limiters {
  let l = cache.get(s);
  if (!l) {
    const make = (name: string, points: number, duration: number, blockDuration = 0) =>
      new RateLimiterRedis({
        storeClient: s.redis,
        keyPrefix: `${s.config.REDIS_PREFIX}:login:${name}`,
        points,
        duration,
        blockDuration,
        // Redis down: count in this process rather than refuse every login.
        insuranceLimiter: new RateLimiterMemory({ points, duration, blockDuration }),
      });
    l = {
      pair: make('pair', 1_000_000, DAY_S),
      wait: make('wait', 1, MAX_WAIT_S),
      account: make('account', 1_000_000, DAY_S),
      ip: make('ip', IP_POINTS, IP_WINDOW_S, IP_WINDOW_S),
    };
    cache.set(s, l);
  }
  return l;
}

const accountKey = (email: string) => email.trim().toLowerCase();
const pairKey = (email: string, ip: string) => `${accountKey(email)}|${ip}`;
const blockedMs = (r: RateLimiterRes | null, points: number) =>
  r && r.consumedPoints > points ? r.msBeforeNext : 0;

/** Milliseconds until this address may try this account again, or 0 when it may try now. */
export async function loginRetryAfter(s: Services, email: string, ip: string): Promise<number> {
  const l = limiters(s);
  const [w, i] = await Promise.all([l.wait.get(pairKey(email, ip)), l.ip.get(ip)]);
  return Math.max(blockedMs(w, l.wait.points), i && i.consumedPoints >= l.ip.points ? i.msBeforeNext : 0);
}

/** Counts a failure; returns the wait it imposes on this address (0: none). Repeated failures are logged. */
export async function recordLoginFailure(s: Services, email: string, ip: string): Promise<number> {
  const l = limiters(s);
  const [pair, account, ipMs] = await Promise.all([
    l.pair.consume(pairKey(email, ip)),
    l.account.consume(accountKey(email)),
    l.ip.consume(ip).then(
      () => 0,
      (r: unknown) => {
        if (r instanceof RateLimiterRes) return r.msBeforeNext;
        throw r;
      },
    ),
  ]);
  const free = account.consumedPoints > ACCOUNT_UNDER_ATTACK ? 1 : PAIR_FREE;
  const over = pair.consumedPoints - free;
  let waitMs = 0;
  if (over >= 0) {
    const seconds = Math.min(MAX_WAIT_S, FIRST_WAIT_S * 2 ** Math.min(over, 16));
    await l.wait.block(pairKey(email, ip), seconds);
    waitMs = seconds * 1000;
    s.logger.warn(
      {
        account: accountKey(email),
        ip,
        failuresFromIp: pair.consumedPoints,
        failuresOfAccount: account.consumedPoints,
        waitSeconds: seconds,
      },
      'repeated failed sign-ins',
    );
  }
  return Math.max(waitMs, ipMs);
}

/** After a successful sign-in: this address starts afresh on this account (the account's count stays for agents). */
export async function clearLoginFailures(s: Services, email: string, ip: string): Promise<void> {
  const l = limiters(s);
  await Promise.all([l.pair.delete(pairKey(email, ip)), l.wait.delete(pairKey(email, ip))]);
}

/** Failed sign-ins of an account over the current 24-hour window (0 when none). */
export async function loginFailuresOf(s: Services, email: string): Promise<number> {
  return (await limiters(s).account.get(accountKey(email)))?.consumedPoints ?? 0;
}
