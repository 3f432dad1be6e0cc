import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Next } from 'koa';
import { AppError } from '../domain/errors.js';
import type { WebContext } from './context.js';

export const CSRF_FIELD = '_csrf';
const ANON_COOKIE = 'izd_csrf';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

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

/** Throws unless a state-changing request carries the session's token, or a visitor's stateless one. */
export function checkCsrf(ctx: WebContext): void {
  if (SAFE.has(ctx.method)) return;
  const sent = sentToken(ctx);
  const session = ctx.state.session?.data.csrf;
  const nonce = ctx.cookies.get(ANON_COOKIE);
  const ok = session
    ? same(sent, session)
    : Boolean(nonce) && same(sent, anonymousToken(ctx.state.s.config.SECRET, nonce as string));
  if (!ok) throw new AppError('forbidden', 'portal:errors.csrf');
}

/** Every state-changing request must carry its token (see sentToken for where). */
export async function csrfProtection(ctx: WebContext, next: Next): Promise<void> {
  checkCsrf(ctx);
  return next();
}
