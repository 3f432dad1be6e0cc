import type { Tx } from '../db/db.js';

export type LinkKind = 'follows' | 'merged_into' | 'mentions' | 'related';

export interface TicketLink {
  ticketId: number;
  otherTicketId: number;
  kind: LinkKind;
}

/** Records links between tickets inside the caller's transaction; a link already there is kept as it is. */
export async function linkTickets(trx: Tx, links: readonly TicketLink[]): Promise<void> {
  const rows = links.filter((l) => l.ticketId !== l.otherTicketId);
  if (!rows.length) return;
  await trx('ticket_links')
    .insert(rows.map((l) => ({ ticket_id: l.ticketId, other_ticket_id: l.otherTicketId, kind: l.kind })))
    .onConflict(['ticket_id', 'other_ticket_id', 'kind'])
    .ignore();
}
