import { timingSafeEqual } from 'node:crypto';
import type { Next } from 'koa';
import { AppError } from '../domain/errors.js';
import type { WebContext } from './context.js';

export const CSRF_FIELD = '_csrf';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The token a request sent. A multipart form carries it in its action URL (`?_csrf=`), so it is checked before
 * the body is read (upload-gate.ts); other forms in the `_csrf` field. The X-CSRF-Token header works for both.
 */
function sentToken(ctx: WebContext): string {
  if (ctx.is('multipart')) {
    const q = ctx.query[CSRF_FIELD];
    return (Array.isArray(q) ? q[0] : q) || ctx.get('x-csrf-token');
  }
  const body = ctx.request.body as Record<string, unknown> | undefined;
  return String(body?.[CSRF_FIELD] ?? ctx.get('x-csrf-token'));
}

/** Throws unless a state-changing request carries the session's token. */
export function checkCsrf(ctx: WebContext): void {
  if (SAFE.has(ctx.method)) return;
  const sent = sentToken(ctx);
  const want = ctx.state.session?.data.csrf ?? '';
  const ok =
    want.length > 0 && sent.length === want.length && timingSafeEqual(Buffer.from(sent), Buffer.from(want));
  if (!ok) throw new AppError('forbidden', 'portal:errors.csrf');
}

/** Every state-changing request must carry the session's token (see sentToken for where). */
export async function csrfProtection(ctx: WebContext, next: Next): Promise<void> {
  checkCsrf(ctx);
  return next();
}
