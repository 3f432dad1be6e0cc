import { type Actor, isStaff } from './ticket-status.js';

export interface TicketOwnership {
  requesterId: number;
  companyId: number | null;
}

/** Who may read a ticket: staff, its requester, or a company manager of the requester's company. */
export function canSeeTicket(actor: Actor, t: TicketOwnership): boolean {
  if (actor.kind === 'system' || isStaff(actor)) return true;
  if (actor.id === t.requesterId) return true;
  return actor.isCompanyManager && actor.companyId !== null && actor.companyId === t.companyId;
}

/** Who may write on a ticket (follow-ups by mail are also accepted from colleagues of the same company). */
export function canContributeToTicket(actor: Actor, t: TicketOwnership): boolean {
  if (canSeeTicket(actor, t)) return true;
  return actor.kind === 'user' && actor.companyId !== null && actor.companyId === t.companyId;
}

export const canSeePrivateNotes = (actor: Actor): boolean => actor.kind === 'system' || isStaff(actor);

export const canManageAccounts = (actor: Actor): boolean =>
  actor.kind === 'system' || (actor.kind === 'user' && (actor.role === 'admin' || actor.role === 'agent'));

export const isAdmin = (actor: Actor): boolean =>
  actor.kind === 'system' || (actor.kind === 'user' && actor.role === 'admin');
