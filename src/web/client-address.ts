import type { Middleware } from 'koa';
import proxyaddr from 'proxy-addr';
import { withClientAddress } from '../app/audit.js';

const FORWARDED = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded'] as const;

/**
 * The client address and scheme, believing X-Forwarded-* only from TRUSTED_PROXIES: the address is the one the
 * nearest trusted proxy saw (anything a client writes to the left of it is ignored). A request that does not
 * come from a trusted proxy has its forwarded headers dropped, so Koa (with `proxy` on) cannot be fooled either.
 * The rest of the request runs under that address, which the audit log records (src/app/audit.ts).
 */
export function clientAddress(trustedProxies: readonly string[]): Middleware {
  const trust = proxyaddr.compile([...trustedProxies]);
  return async (ctx, next) => {
    if (!trust(ctx.req.socket.remoteAddress ?? '', 0)) for (const h of FORWARDED) delete ctx.req.headers[h];
    ctx.request.ip = proxyaddr(ctx.req, trust);
    return withClientAddress(ctx.request.ip || null, next);
  };
}
