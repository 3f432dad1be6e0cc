import type { Next } from 'koa';
import { AppError } from '../domain/errors.js';
import type { Role } from '../domain/ticket-status.js';
import type { WebContext } from './context.js';

export const PASSWORD_CHANGE_PATH = '/password/change';

/** Pages a user who must change a generated password may still reach. */
const ALLOWED_BEFORE_CHANGE = new Set([PASSWORD_CHANGE_PATH, '/logout']);

/** Only signed-in users; others go to the login page and come back after. Forces the first password change. */
export async function requireUser(ctx: WebContext, next: Next): Promise<void> {
  const user = ctx.state.user;
  if (!user) {
    if (ctx.method === 'GET') {
      ctx.redirect(`/login?next=${encodeURIComponent(ctx.originalUrl)}`);
      return;
    }
    throw new AppError('unauthorized', 'portal:errors.signedOut');
  }
  if (user.must_change_password && !ALLOWED_BEFORE_CHANGE.has(ctx.path)) {
    // The page first asked for (a ticket link from a mail) is where the user lands after the change.
    const back = ctx.method === 'GET' && ctx.originalUrl !== '/' ? ctx.originalUrl : null;
    ctx.redirect(back ? `${PASSWORD_CHANGE_PATH}?next=${encodeURIComponent(back)}` : PASSWORD_CHANGE_PATH);
    return;
  }
  return next();
}

/** Staff pages: an agent page for an admin too; customers get 404 (the page does not exist for them). */
export const requireRole = (role: Exclude<Role, 'customer'>) => async (ctx: WebContext, next: Next) =>
  requireUser(ctx, async () => {
    const r = ctx.state.user?.role;
    const ok = role === 'agent' ? r === 'agent' || r === 'admin' : r === 'admin';
    if (!ok) throw new AppError('not_found', 'portal:errors.pageNotFound');
    return next();
  });

/** A local path to go back to after login; anything else (other hosts, `//x`) becomes the landing page. */
export function safeNext(next: unknown, fallback = '/'): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : fallback;
}
