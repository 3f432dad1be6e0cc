import type { Tx } from '../db/db.js';
import type { TicketRow } from '../db/tables.js';
import { AppError } from '../domain/errors.js';
import { canContributeToTicket, canSeeTicket } from '../domain/permissions.js';
import type { Actor } from '../domain/ticket-status.js';

export type { TicketRow } from '../db/tables.js';

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
  const t = await trx('tickets').where({ id: ticketId }).forUpdate().first();
  if (!t) throw new AppError('not_found', 'errors.ticketNotFound');
  const owner = { requesterId: t.requester_id, companyId: t.company_id };
  const allowed = access === 'see' ? canSeeTicket(actor, owner) : canContributeToTicket(actor, owner);
  if (!allowed) throw new AppError('not_found', 'errors.ticketNotFound');
  return t;
}
