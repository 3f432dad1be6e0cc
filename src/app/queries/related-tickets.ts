import type { Db } from '../../db/db.js';
import type { TicketStatus } from '../../domain/ticket-status.js';
import { type CustomerViewer, whereViewerMaySee } from './customer-scope.js';

export interface RelatedTicket {
  id: number;
  title: string;
  status: TicketStatus;
}

export interface TicketRelations {
  /** The ticket this one was opened from. */
  relatedTo: RelatedTicket | null;
  /** Tickets opened from this one, oldest first. */
  relatedFrom: RelatedTicket[];
}

/** The tickets linked to a ticket in either direction, as far as the viewer may see them (null viewer: staff). */
export async function ticketRelations(
  db: Db,
  viewer: CustomerViewer | null,
  ticket: { id: number; related_ticket_id: number | null },
): Promise<TicketRelations> {
  const q = db('tickets as t')
    .where((w) => {
      w.where('t.related_ticket_id', ticket.id);
      if (ticket.related_ticket_id) w.orWhere('t.id', ticket.related_ticket_id);
    })
    .orderBy('t.id')
    .select<(RelatedTicket & { related_ticket_id: number | null })[]>(
      't.id',
      't.title',
      't.status',
      't.related_ticket_id',
    );
  if (viewer) whereViewerMaySee(q, viewer);
  const rows = await q;
  const strip = ({ id, title, status }: RelatedTicket) => ({ id, title, status });
  const to = rows.find((r) => r.id === ticket.related_ticket_id);
  return {
    relatedTo: to ? strip(to) : null,
    relatedFrom: rows.filter((r) => r.related_ticket_id === ticket.id).map(strip),
  };
}
