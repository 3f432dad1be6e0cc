import type { Db } from '../../db/db.js';
import type { ActorRow } from '../actor.js';
import { readApprovalToken } from '../links.js';
import type { CustomerViewer } from './customer-scope.js';
import { type CustomerTicket, customerTicket } from './ticket-timeline.js';

export type ApprovalUser = ActorRow & { language: string };

export interface ApprovalLink {
  user: ApprovalUser;
  ticket: CustomerTicket;
  /** The link answers the resolution it was mailed for, not a later one (after a refusal and a new solution). */
  current: boolean;
}

export const approvalViewer = (u: ApprovalUser): CustomerViewer => ({
  id: u.id,
  companyId: u.company_id,
  isCompanyManager: u.is_company_manager,
});

/** What a resolution mail's approval link names, if it is genuine and its user may still see the ticket. */
export async function approvalLink(db: Db, secret: string, token: string): Promise<ApprovalLink | null> {
  const tok = readApprovalToken(secret, token);
  if (!tok) return null;
  const user: ApprovalUser | undefined = await db('users')
    .where({ id: tok.userId, active: true })
    .first('id', 'role', 'company_id', 'is_company_manager', 'language');
  if (!user) return null;
  const ticket = await customerTicket(db, approvalViewer(user), tok.ticketId);
  if (!ticket) return null;
  const row = await db('tickets').where({ id: ticket.id }).first('resolved_at');
  const current = row?.resolved_at instanceof Date && row.resolved_at.getTime() === tok.resolvedAt;
  return { user, ticket, current };
}
