import type { Next } from 'koa';
import { AppError } from '../../domain/errors.js';
import type { Actor } from '../../domain/ticket-status.js';
import { requireRole } from '../auth.js';
import type { WebContext } from '../context.js';
import { pathId } from '../input.js';

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

/**
 * A positive integer from a path or query parameter, else null. Routes read their input through the schemas
 * of ../input.ts (paramsInput with pathId); these two stay for routes written against them.
 */
export function intParam(v: unknown): number | null {
  const r = pathId.safeParse(Array.isArray(v) ? v[0] : v);
  return r.success ? r.data : null;
}

/** A path id that must exist: otherwise the page is "not found". */
export function idParam(v: unknown): number {
  const n = intParam(v);
  if (n === null) throw new AppError('not_found', 'portal:errors.pageNotFound');
  return n;
}
