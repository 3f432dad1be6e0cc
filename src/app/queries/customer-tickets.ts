import { preparedQuery, type StatementPool } from '../../db/prepared-query.js';
import { parseReference } from '../../domain/reference.js';
import { OPEN_STATUSES, TICKET_STATUSES, type TicketStatus } from '../../domain/ticket-status.js';
import { type CustomerViewer, viewerCondition } from './customer-scope.js';

export type StatusFilter = TicketStatus | 'open';
export const STATUS_FILTERS: readonly StatusFilter[] = ['open', ...TICKET_STATUSES];
/** By last update: most recent first (the default) or oldest first. */
export type ListSort = 'updated_desc' | 'updated_asc';
export const LIST_SORTS: readonly ListSort[] = ['updated_desc', 'updated_asc'];

export interface CustomerTicketFilter {
  status: StatusFilter | null;
  /** A reference (IZL-000123, 123) or words of the title. */
  search: string;
  /** Keyset cursor: the rows after (older than) this one... */
  after: string | null;
  /** ...or before (newer than) this one, for the previous page. */
  before: string | null;
  pageSize: number;
  /** Default: updated_desc. */
  sort?: ListSort;
}

export interface CustomerTicketRow {
  id: number;
  title: string;
  type: string;
  category: string;
  status: TicketStatus;
  urgency: string | null;
  service_name: string | null;
  updated_at: Date;
  /** Only in a company manager's list. */
  requester_name?: string;
}

/** One row of the page as the statement returns it (see customerTicketsStatement). */
type PageRow = [
  id: number,
  title: string,
  type: string,
  category: string,
  status: TicketStatus,
  cursorTs: string,
  updatedMs: number,
  urgency: string | null,
  serviceName: string | null,
  requesterName?: string,
];

/** Where a page starts: at the top, after (further down the order) or before (further up) a valid cursor. */
type PageStart = 'start' | 'after' | 'before';

const encodeCursor = (ts: string, id: number) => Buffer.from(`${ts}|${id}`).toString('base64url');
// Exactly what `updated_at::text` gives (e.g. 2026-12-02 07:21:58.123456+00), and a ticket id.
const CURSOR =
  /^((\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-]\d{2}(?::\d{2})?)\|(\d{1,15})$/;
function decodeCursor(c: string | null): [string, number] | null {
  if (!c) return null;
  const m = CURSOR.exec(Buffer.from(c, 'base64url').toString('utf8'));
  if (!m) return null;
  const [y, mo, d, h, mi, sec] = m.slice(2, 8).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const valid = y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth && h < 24 && mi < 60 && sec < 60;
  return valid ? [m[1] as string, Number(m[8])] : null;
}
/** A cursor this list made (anything else is a bad request at the web edge). */
export const isListCursor = (c: string): boolean => decodeCursor(c) !== null;

const likeEscape = (w: string) => w.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The list's statement: its text depends only on the filter's shape (bindings as $n), so it prepares well. */
export function customerTicketsStatement(
  ticketPrefix: string,
  viewer: CustomerViewer,
  f: CustomerTicketFilter,
): { text: string; values: (string | number)[]; from: PageStart } {
  const manager = viewer.isCompanyManager && viewer.companyId !== null;
  const values: (string | number)[] = [];
  const bind = (v: string | number) => `$${values.push(v)}`;
  const [maySee, viewerValue] = viewerCondition(viewer);
  const where: string[] = [maySee.replace('?', bind(viewerValue))];
  if (f.status === 'open') where.push(`t.status in (${OPEN_STATUSES.map(bind).join(', ')})`);
  else if (f.status) where.push(`t.status = ${bind(f.status)}`);
  const search = f.search.trim();
  if (search) {
    const id =
      parseReference(ticketPrefix, search) ??
      (/^#?\d{1,12}$/.test(search) ? Number(search.replace('#', '')) : null);
    if (id) where.push(`t.id = ${bind(id)}`);
    else
      for (const word of search.split(/\s+/).slice(0, 8))
        where.push(`t.title ilike ${bind(`%${likeEscape(word)}%`)} escape '\\'`);
  }
  const after = decodeCursor(f.after);
  const before = after ? null : decodeCursor(f.before);
  const cursor = after ?? before;
  const from: PageStart = after ? 'after' : before ? 'before' : 'start';
  const ascending = f.sort === 'updated_asc';
  // Going down the list is "older" newest first and "newer" oldest first; a previous page goes the other way.
  if (cursor)
    where.push(
      `(t.updated_at, t.id) ${Boolean(before) === ascending ? '<' : '>'} (${bind(cursor[0])}::timestamptz, ${bind(cursor[1])})`,
    );
  // Both directions read the same (…, updated_at desc, id desc) index, forwards or backwards.
  const pageOrder = ascending ? 'asc' : 'desc';
  const order = before ? (ascending ? 'desc' : 'asc') : pageOrder;
  // Only a manager's list shows who asked; a customer's own list needs no join. The service is joined to the
  // page's rows only, after the limit. The page comes back as one JSON array of arrays: parsing one text field
  // is far cheaper in Node than pg's per-row, per-field parsing.
  const text = `select coalesce(json_agg(json_build_array(p.id, p.title, p.type, p.category, p.status, p.cursor_ts,
      p.updated_ms, p.urgency, sv.name${manager ? ', p.requester_name' : ''})
      order by p.updated_at ${pageOrder}, p.id ${pageOrder}), '[]')::text as page
  from (select t.id, t.title, t.type, t.category, t.status, t.urgency, t.service_id, t.updated_at,
      t.updated_at::text as cursor_ts,
      (extract(epoch from t.updated_at) * 1000)::float8 as updated_ms${manager ? ', u.name as requester_name' : ''}
    from tickets t${manager ? ' join users u on u.id = t.requester_id' : ''}
    where ${where.join(' and ')}
    order by t.updated_at ${order}, t.id ${order}
    limit ${bind(f.pageSize + 1)}) p
  left join services sv on sv.id = p.service_id`;
  return { text, values, from };
}

export interface CustomerTicketPage {
  rows: CustomerTicketRow[];
  /** Cursors of the next and previous pages; null at either end. */
  next: string | null;
  previous: string | null;
}

/**
 * A page of the viewer's tickets by last update, most recent first unless asked otherwise. Keyset pagination on (updated_at, id) so a page
 * costs the same at any depth, served by the (requester_id|company_id, updated_at desc, id desc) indexes.
 * A prepared statement rather than the query builder: this is the portal's busiest query.
 */
export async function listCustomerTickets(
  pool: StatementPool,
  ticketPrefix: string,
  viewer: CustomerViewer,
  f: CustomerTicketFilter,
): Promise<CustomerTicketPage> {
  const { text, values, from } = customerTicketsStatement(ticketPrefix, viewer, f);
  const backwards = from === 'before';
  const [result] = await preparedQuery<{ page: string }>(pool, text, values);
  const found = JSON.parse(result?.page ?? '[]') as PageRow[];
  const more = found.length > f.pageSize;
  // Backwards, the extra row is the page's first one; forwards, its last.
  if (backwards && !more) return listCustomerTickets(pool, ticketPrefix, viewer, { ...f, before: null });
  const page = backwards ? found.slice(found.length - f.pageSize) : found.slice(0, f.pageSize);
  const first = page[0];
  const last = page.at(-1);
  const cursorOf = (r: PageRow | undefined) => (r ? encodeCursor(r[5], r[0]) : null);
  return {
    // The time comes as epoch milliseconds rather than a timestamp text to parse: cheaper per row.
    rows: page.map(
      ([id, title, type, category, status, , updatedMs, urgency, serviceName, requesterName]) => ({
        id,
        title,
        type,
        category,
        status,
        urgency,
        service_name: serviceName,
        updated_at: new Date(updatedMs),
        ...(requesterName === undefined ? {} : { requester_name: requesterName }),
      }),
    ),
    next: backwards || more ? cursorOf(last) : null,
    previous: from === 'start' ? null : cursorOf(first),
  };
}
