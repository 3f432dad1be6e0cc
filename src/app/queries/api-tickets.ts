import type { Db } from '../../db/db.js';
import { AppError } from '../../domain/errors.js';
import type { TicketStatus } from '../../domain/ticket-status.js';

export interface TicketState {
  id: number;
  status: TicketStatus;
  assignee_id: number | null;
  major_incident_id: number | null;
}

/** Where a ticket stands (what an API write answers), read on the writer's transaction when it has one. */
export async function ticketState(db: Db, ticketId: number): Promise<TicketState> {
  const t = await db('tickets')
    .where({ id: ticketId })
    .first('id', 'status', 'assignee_id', 'major_incident_id');
  if (!t) throw new AppError('not_found', 'errors.ticketNotFound');
  return t;
}
