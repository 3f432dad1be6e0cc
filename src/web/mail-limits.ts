import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Services } from '../runtime/services.js';

/**
 * Mails a visitor can make us send to an address (password reset, email-change confirmation): at most 3 an hour
 * per address and per requester (the account asking, or the client address when signed out: 10, for offices
 * behind one address). Past the limit the page answers exactly the same and no mail leaves, so the form cannot
 * be used to flood a mailbox.
 */
export type MailKind = 'reset' | 'email-change';
const HOUR_S = 3600;
const PER_ADDRESS = 3;
const PER_ACCOUNT = 3;
const PER_CLIENT_ADDRESS = 10;

const cache = new WeakMap<Services, Map<string, RateLimiterRedis>>();

function limiter(s: Services, name: string, points: number): RateLimiterRedis {
  let m = cache.get(s);
  if (!m) {
    m = new Map();
    cache.set(s, m);
  }
  let l = m.get(name);
  if (!l) {
    l = new RateLimiterRedis({
      storeClient: s.redis,
      keyPrefix: `${s.config.REDIS_PREFIX}:mails:${name}`,
      points,
      duration: HOUR_S,
      // Redis down: count in this process rather than mail without limit.
      insuranceLimiter: new RateLimiterMemory({ points, duration: HOUR_S }),
    });
    m.set(name, l);
  }
  return l;
}

const consumed = (l: RateLimiterRedis, key: string): Promise<boolean> =>
  l.consume(key).then(
    () => true,
    (r: unknown) => {
      if (r instanceof RateLimiterRes) return false;
      throw r;
    },
  );

/** Counts one mail to `address` asked by `requester`; false when either is over its hourly allowance. */
export async function mayMail(
  s: Services,
  kind: MailKind,
  address: string,
  requester: { userId: number } | { ip: string },
): Promise<boolean> {
  const by =
    'userId' in requester
      ? consumed(limiter(s, `${kind}:account`, PER_ACCOUNT), String(requester.userId))
      : consumed(limiter(s, `${kind}:client`, PER_CLIENT_ADDRESS), requester.ip);
  const to = consumed(limiter(s, `${kind}:to`, PER_ADDRESS), address.trim().toLowerCase());
  const [a, b] = await Promise.all([by, to]);
  if (!a || !b) s.logger.warn({ kind, address, requester }, 'mail limit reached: not sent');
  return a && b;
}
