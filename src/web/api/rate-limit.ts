import type { Next } from 'koa';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../../domain/errors.js';
import type { Services } from '../../runtime/services.js';
import type { ApiContext } from './context.js';

const cache = new WeakMap<Services, RateLimiterRedis>();

/**
 * API_RATE_PER_MINUTE requests per token in a fixed one-minute window, counted in Redis so that every web
 * process shares the count. Redis down: each process counts on its own rather than letting everything through.
 */
function limiter(s: Services): RateLimiterRedis {
  let l = cache.get(s);
  if (!l) {
    const points = s.config.API_RATE_PER_MINUTE;
    l = new RateLimiterRedis({
      storeClient: s.redis,
      keyPrefix: `${s.config.REDIS_PREFIX}:api-rate`,
      points,
      duration: 60,
      insuranceLimiter: new RateLimiterMemory({ points, duration: 60 }),
    });
    cache.set(s, l);
  }
  return l;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** Counts the request against its token's window; over the limit: 429 with Retry-After. */
export async function apiRateLimit(ctx: ApiContext, next: Next): Promise<void> {
  const caller = ctx.state.caller;
  if (!caller) throw new AppError('unauthorized', 'api:problems.tokenMissing');
  const l = limiter(ctx.state.s);
  ctx.set('RateLimit-Limit', String(l.points));
  try {
    const r = await l.consume(String(caller.tokenId));
    ctx.set('RateLimit-Remaining', String(r.remainingPoints));
    ctx.set('RateLimit-Reset', String(seconds(r.msBeforeNext)));
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    const wait = seconds(err.msBeforeNext);
    ctx.set('RateLimit-Remaining', '0');
    ctx.set('RateLimit-Reset', String(wait));
    ctx.set('Retry-After', String(wait));
    throw new AppError('rate_limited', 'api:problems.rateLimited', { params: { seconds: wait } });
  }
  return next();
}
