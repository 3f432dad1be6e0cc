import type { Next } from 'koa';
import { AppError } from '../domain/errors.js';
import type { WebContext } from './context.js';
import { checkCsrf } from './csrf.js';

/**
 * Multipart bodies (uploads, the only big ones) are read only for a signed-in user whose CSRF token came in the
 * URL or a header, and only `perIp` at a time per client address. Anything else is refused before a byte of
 * its body is read, and its connection closed (Node would otherwise read the rest of the body to keep the
 * connection alive): slow anonymous uploads cannot pile up sockets.
 */
export function uploadGate(perIp: number) {
  const inFlight = new Map<string, number>();
  return async (ctx: WebContext, next: Next): Promise<void> => {
    if (ctx.method === 'GET' || ctx.method === 'HEAD' || !ctx.is('multipart')) return next();
    const ip = ctx.ip;
    const n = inFlight.get(ip) ?? 0;
    try {
      if (!ctx.state.user) throw new AppError('unauthorized', 'portal:errors.signedOut');
      checkCsrf(ctx);
      if (n >= perIp) throw new AppError('rate_limited', 'portal:errors.tooManyUploads');
    } catch (err) {
      ctx.set('Connection', 'close');
      throw err;
    }
    inFlight.set(ip, n + 1);
    // Counted until the response is over or the connection gone (a timed-out upload may never settle next()).
    ctx.res.once('close', () => {
      const left = (inFlight.get(ip) ?? 1) - 1;
      if (left > 0) inFlight.set(ip, left);
      else inFlight.delete(ip);
    });
    await next();
  };
}
