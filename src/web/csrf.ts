import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Next } from 'koa';
import { AppError } from '../domain/errors.js';
import type { WebContext } from './context.js';

export const CSRF_FIELD = '_csrf';
const ANON_COOKIE = 'izd_csrf';

/**
 * A visitor without a session (login, password reset, a link from a mail) gets a stateless token: a random
 * value in an HttpOnly cookie, and in the form its HMAC with SECRET. A forged form can neither read the cookie
 * nor compute the HMAC; and nothing is stored, so anonymous page views cost no database row.
 */
const anonymousToken = (secret: string, nonce: string) =>
  createHmac('sha256', secret).update(`csrf:${nonce}`).digest('base64url');

export function anonymousCsrfToken(ctx: WebContext): string {
  let nonce = ctx.cookies.get(ANON_COOKIE);
  if (!nonce || !/^[\w-]{43}$/.test(nonce)) {
    nonce = randomBytes(32).toString('base64url');
    ctx.cookies.set(ANON_COOKIE, nonce, { httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/' });
  }
  return anonymousToken(ctx.state.s.config.SECRET, nonce);
}

const same = (a: string, b: string) =>
  a.length > 0 && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Every state-changing request must carry its token in the `_csrf` field (or X-CSRF-Token header). */
export async function csrfProtection(ctx: WebContext, next: Next): Promise<void> {
  if (ctx.method === 'GET' || ctx.method === 'HEAD' || ctx.method === 'OPTIONS') return next();
  const body = ctx.request.body as Record<string, unknown> | undefined;
  const sent = String(body?.[CSRF_FIELD] ?? ctx.get('x-csrf-token') ?? '');
  const session = ctx.state.session?.data.csrf;
  const nonce = ctx.cookies.get(ANON_COOKIE);
  const ok = session
    ? same(sent, session)
    : Boolean(nonce) && same(sent, anonymousToken(ctx.state.s.config.SECRET, nonce as string));
  if (!ok) throw new AppError('forbidden', 'portal:errors.csrf');
  return next();
}
