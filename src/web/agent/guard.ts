import type { Next } from 'koa';
import { AppError } from '../../domain/errors.js';
import type { Actor } from '../../domain/ticket-status.js';
import { requireRole } from '../auth.js';
import type { WebContext } from '../context.js';

/** Every agent page: agents and admins; a customer is told the page does not exist (404). */
export const staffOnly = requireRole('agent');

/** Admin pages: customers get 404 (as for every agent page), agents a plain 403. */
export const adminOnly = (ctx: WebContext, next: Next) =>
  staffOnly(ctx, async () => {
    if (ctx.state.user?.role !== 'admin') throw new AppError('forbidden', 'errors.forbidden');
    return next();
  });

/** The signed-in staff member (the guards above ran). */
export const staffActor = (ctx: WebContext): Actor => {
  if (!ctx.state.actor) throw new AppError('unauthorized', 'portal:errors.signedOut');
  return ctx.state.actor;
};

/** The signed-in staff member's user id. */
export const staffUserId = (ctx: WebContext): number => {
  const a = staffActor(ctx);
  if (a.kind !== 'user') throw new AppError('forbidden', 'errors.forbidden');
  return a.id;
};
