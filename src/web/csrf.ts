import { timingSafeEqual } from 'node:crypto';
import type { Next } from 'koa';
import { AppError } from '../domain/errors.js';
import type { WebContext } from './context.js';

export const CSRF_FIELD = '_csrf';

/** Every state-changing request must carry the session's token in the `_csrf` field (or X-CSRF-Token header). */
export async function csrfProtection(ctx: WebContext, next: Next): Promise<void> {
  if (ctx.method === 'GET' || ctx.method === 'HEAD' || ctx.method === 'OPTIONS') return next();
  const body = ctx.request.body as Record<string, unknown> | undefined;
  const sent = String(body?.[CSRF_FIELD] ?? ctx.get('x-csrf-token') ?? '');
  const want = ctx.state.session?.data.csrf ?? '';
  const ok =
    want.length > 0 && sent.length === want.length && timingSafeEqual(Buffer.from(sent), Buffer.from(want));
  if (!ok) throw new AppError('forbidden', 'portal:errors.csrf');
  return next();
}
