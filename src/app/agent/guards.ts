import { AppError } from '../../domain/errors.js';
import { canManageAccounts, isAdmin } from '../../domain/permissions.js';
import { type Actor, isStaff } from '../../domain/ticket-status.js';

export function requireStaff(actor: Actor): void {
  if (actor.kind !== 'system' && !isStaff(actor)) throw new AppError('forbidden', 'errors.forbidden');
}

/** Customer companies, their services and users: agents and admins. */
export function requireAccountManager(actor: Actor): void {
  if (!canManageAccounts(actor)) throw new AppError('forbidden', 'errors.forbidden');
}

/** The support team's accounts and bulk imports: admins only. */
export function requireAdmin(actor: Actor): void {
  if (!isAdmin(actor)) throw new AppError('forbidden', 'errors.forbidden');
}
