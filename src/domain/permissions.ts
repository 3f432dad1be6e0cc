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

/**
 * Declaring, updating and resolving a major incident, and linking tickets to it: every agent (the one on duty
 * when a node fails is rarely an admin), and admins.
 */
export const canManageIncidents = (actor: Actor): boolean => actor.kind === 'system' || isStaff(actor);

/** Where a service runs (node, zone, exchange, technology, postcode) is network inventory: admins only. */
export const canEditNetwork = (actor: Actor): boolean => isAdmin(actor);
