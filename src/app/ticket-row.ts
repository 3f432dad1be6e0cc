import type { Tx } from '../db/db.js';
import { AppError } from '../domain/errors.js';
import { canContributeToTicket, canSeeTicket } from '../domain/permissions.js';
import type { Actor, TicketStatus } from '../domain/ticket-status.js';

export interface TicketRow {
  id: number;
  type: string;
  category: string;
  service_id: number | null;
  urgency: string | null;
  impact: 'high' | 'medium' | 'low';
  priority: number;
  title: string;
  description: string;
  status: TicketStatus;
  requester_id: number;
  company_id: number | null;
  assignee_id: number | null;
  source: 'web' | 'email';
  solution: string | null;
  created_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
  closed_at: Date | null;
  /** The ticket this one was opened from (a closed one that recurs). */
  related_ticket_id: number | null;
}

/**
 * Loads and row-locks a ticket the actor may act on. A ticket the actor may not see is "not found",
 * whatever the id tried, so ids cannot be probed. `contribute` also lets colleagues of the requester's
 * company in (follow-ups by mail); every other action needs a ticket the actor may see.
 */
export async function lockTicket(
  trx: Tx,
  ticketId: number,
  actor: Actor,
  access: 'see' | 'contribute' = 'see',
): Promise<TicketRow> {
  const t: TicketRow | undefined = await trx('tickets').where({ id: ticketId }).forUpdate().first();
  if (!t) throw new AppError('not_found', 'errors.ticketNotFound');
  const owner = { requesterId: t.requester_id, companyId: t.company_id };
  const allowed = access === 'see' ? canSeeTicket(actor, owner) : canContributeToTicket(actor, owner);
  if (!allowed) throw new AppError('not_found', 'errors.ticketNotFound');
  return t;
}
