import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../domain/errors.js';
import type { Services } from '../runtime/services.js';
import type { WebContext } from './context.js';

/**
 * Follow-ups a user may add from the web per minute (FOLLOWUPS_PER_MINUTE), counted in Redis so every web
 * process shares the count: a script cannot pile thousands on a ticket (issue 11.9).
 */
const cache = new WeakMap<Services, RateLimiterRedis>();

function limiter(s: Services): RateLimiterRedis {
  let l = cache.get(s);
  if (!l) {
    const points = s.config.FOLLOWUPS_PER_MINUTE;
    l = new RateLimiterRedis({
      storeClient: s.redis,
      keyPrefix: `${s.config.REDIS_PREFIX}:followups`,
      points,
      duration: 60,
      // Redis down: count in this process rather than refuse every follow-up.
      insuranceLimiter: new RateLimiterMemory({ points, duration: 60 }),
    });
    cache.set(s, l);
  }
  return l;
}

/**
 * Runs `add` (a follow-up of the signed-in user) unless the user used up this minute's allowance: then an
 * AppError the form shows with what was typed. Only follow-ups added count (not refused ones).
 */
export async function withFollowupLimit<T>(ctx: WebContext, add: () => Promise<T>): Promise<T> {
  const user = ctx.state.user;
  if (!user) return add();
  const l = limiter(ctx.state.s);
  const key = String(user.id);
  const used = await l.get(key);
  if (used && used.consumedPoints >= l.points) {
    const seconds = Math.max(1, Math.ceil(used.msBeforeNext / 1000));
    ctx.set('Retry-After', String(seconds));
    throw new AppError('rate_limited', 'validation.followupRateLimited', {
      fields: { body: 'validation.followupRateLimited' },
      params: { seconds },
    });
  }
  const out = await add();
  // Two at once may both pass the check: the count still grows, and the next one is refused.
  await l.consume(key).catch((err: unknown) => {
    if (!(err instanceof RateLimiterRes)) throw err;
  });
  return out;
}
