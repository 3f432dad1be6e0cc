import type { Db } from '../../db/db.js';
import type { TicketStatus } from '../../domain/ticket-status.js';
import type { LinkKind } from '../ticket-links.js';
import { type CustomerViewer, viewerCondition } from './customer-scope.js';

export interface LinkedTicket {
  /** `out`: this ticket follows / was merged into / mentions the other; `in`: the other does so to this one. */
  direction: 'out' | 'in';
  kind: LinkKind;
  id: number;
  title: string;
  status: TicketStatus;
}

/**
 * The tickets linked to one ticket, both ways. With a customer viewer, only the follow and merge links to
 * tickets that viewer may see (mentions are for agents).
 */
export async function linkedTickets(
  db: Db,
  ticketId: number,
  viewer?: CustomerViewer,
): Promise<LinkedTicket[]> {
  const q = db('ticket_links as l')
    .join('tickets as t', (j) =>
      j.on((o) =>
        o
          .on((x) =>
            x.on('l.ticket_id', '=', db.raw('?', [ticketId])).andOn('t.id', '=', 'l.other_ticket_id'),
          )
          .orOn((x) =>
            x.on('l.other_ticket_id', '=', db.raw('?', [ticketId])).andOn('t.id', '=', 'l.ticket_id'),
          ),
      ),
    )
    .orderBy('l.id')
    .select(
      db.raw("case when l.ticket_id = ? then 'out' else 'in' end as direction", [ticketId]),
      'l.kind',
      't.id',
      't.title',
      't.status',
    );
  if (viewer) {
    const [condition, value] = viewerCondition(viewer);
    q.whereNot('l.kind', 'mentions').whereRaw(condition, [value]);
  }
  const rows: {
    direction: 'out' | 'in';
    kind: LinkKind;
    id: string | number;
    title: string;
    status: TicketStatus;
  }[] = await q;
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}
