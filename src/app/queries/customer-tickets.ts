import type { Db } from '../../db/db.js';
import { parseReference } from '../../domain/reference.js';
import { OPEN_STATUSES, TICKET_STATUSES, type TicketStatus } from '../../domain/ticket-status.js';
import { type CustomerViewer, whereViewerMaySee } from './customer-scope.js';

export type StatusFilter = TicketStatus | 'open';
export const STATUS_FILTERS: readonly StatusFilter[] = ['open', ...TICKET_STATUSES];

export interface CustomerTicketFilter {
  status: StatusFilter | null;
  /** A reference (IZL-000123, 123) or words of the title. */
  search: string;
  /** Keyset cursor from the previous page. */
  after: string | null;
  pageSize: number;
}

export interface CustomerTicketRow {
  id: number;
  title: string;
  type: string;
  category: string;
  status: TicketStatus;
  updated_at: Date;
  requester_name: string;
}

const encodeCursor = (ts: string, id: number) => Buffer.from(`${ts}|${id}`).toString('base64url');
function decodeCursor(c: string | null): [string, number] | null {
  if (!c) return null;
  const [ts, id] = Buffer.from(c, 'base64url').toString('utf8').split('|');
  const n = Number(id);
  return ts && Number.isSafeInteger(n) && !Number.isNaN(Date.parse(ts)) ? [ts, n] : null;
}

const likeEscape = (w: string) => w.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A page of the viewer's tickets, most recently updated first. Keyset pagination on (updated_at, id) so a page
 * costs the same at any depth, served by the (requester_id|company_id, updated_at desc, id desc) indexes.
 */
export async function listCustomerTickets(
  db: Db,
  ticketPrefix: string,
  viewer: CustomerViewer,
  f: CustomerTicketFilter,
): Promise<{ rows: CustomerTicketRow[]; next: string | null }> {
  const q = db('tickets as t')
    .join('users as u', 'u.id', 't.requester_id')
    .select(
      't.id',
      't.title',
      't.type',
      't.category',
      't.status',
      't.updated_at',
      db.raw('t.updated_at::text as cursor_ts'),
      'u.name as requester_name',
    )
    .orderBy([
      { column: 't.updated_at', order: 'desc' },
      { column: 't.id', order: 'desc' },
    ])
    .limit(f.pageSize + 1);
  whereViewerMaySee(q, viewer);
  if (f.status === 'open') q.whereIn('t.status', OPEN_STATUSES as TicketStatus[]);
  else if (f.status) q.where('t.status', f.status);
  const search = f.search.trim();
  if (search) {
    const id =
      parseReference(ticketPrefix, search) ??
      (/^#?\d{1,12}$/.test(search) ? Number(search.replace('#', '')) : null);
    if (id) q.where('t.id', id);
    else
      for (const word of search.split(/\s+/).slice(0, 8))
        q.whereRaw("t.title ilike ? escape '\\'", [`%${likeEscape(word)}%`]);
  }
  const cursor = decodeCursor(f.after);
  if (cursor) q.whereRaw('(t.updated_at, t.id) < (?::timestamptz, ?)', cursor);
  const rows: (CustomerTicketRow & { cursor_ts: string })[] = await q;
  const more = rows.length > f.pageSize;
  const page = rows.slice(0, f.pageSize);
  const last = page.at(-1);
  return {
    rows: page.map(({ cursor_ts: _c, ...r }) => r),
    next: more && last ? encodeCursor(last.cursor_ts, last.id) : null,
  };
}
