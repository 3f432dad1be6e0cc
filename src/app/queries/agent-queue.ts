import type { Knex } from 'knex';
import type { Db } from '../../db/db.js';
import { parseReference } from '../../domain/reference.js';
import { TICKET_STATUSES, type TicketStatus } from '../../domain/ticket-status.js';

/** What the queue can be narrowed by. `status` 'open' (the default) is every ticket not closed. */
export interface QueueFilters {
  status?: TicketStatus | 'open' | 'all';
  type?: string;
  category?: string;
  urgency?: string;
  serviceId?: number;
  assigneeId?: number;
  /** The customer company. */
  companyId?: number;
  requesterId?: number;
  unassigned?: boolean;
  /** Waiting for the customer (status pending). */
  waiting?: boolean;
  /** Full-text search over reference, title, description, follow-up bodies and customer names. */
  q?: string;
  /** 'due': the next SLA due instant first (tickets with no running clock last); default: priority, then age. */
  sort?: 'priority' | 'due';
  /** Tickets of these teams, and with `orNone` also those of no team ("my teams"). Absent: every team. */
  teams?: { ids: readonly number[]; orNone: boolean };
  /**
   * Tickets linked to a major incident are handled on its page and left out of the queue; `true` shows them too,
   * a number shows only that incident's.
   */
  majorIncidents?: true | number;
}

export interface QueueRow {
  id: number;
  title: string;
  status: TicketStatus;
  type: string;
  category: string;
  urgency: string | null;
  priority: number;
  created_at: Date;
  updated_at: Date;
  requester_id: number;
  requester_name: string;
  company_name: string | null;
  assignee_id: number | null;
  assignee_name: string | null;
  service_name: string | null;
  first_answer_due_at: Date | null;
  first_answer_warn_at: Date | null;
  first_answered_at: Date | null;
  resolution_due_at: Date | null;
  resolution_warn_at: Date | null;
  sla_paused_at: Date | null;
  team_name: string | null;
}

export interface QueuePage {
  rows: QueueRow[];
  /** Opaque cursor of the next page, or null on the last one. */
  next: string | null;
}

interface Cursor {
  priority: number;
  createdUs: number;
  id: number;
}

/** The "due first" order's cursor: the due instant in µs ('inf' for no running clock) and the id. */
interface DueCursor {
  dueUs: number | null;
  id: number;
}

const encodeCursor = (c: Cursor) =>
  Buffer.from(`${c.priority}.${c.createdUs}.${c.id}`, 'utf8').toString('base64url');

const encodeDueCursor = (c: DueCursor) =>
  Buffer.from(`d.${c.dueUs ?? 'inf'}.${c.id}`, 'utf8').toString('base64url');

function decodeCursor(s: string | undefined): Cursor | null {
  if (!s) return null;
  const m = /^(\d{1,2})\.(\d{1,17})\.(\d{1,15})$/.exec(Buffer.from(s, 'base64url').toString('utf8'));
  return m ? { priority: Number(m[1]), createdUs: Number(m[2]), id: Number(m[3]) } : null;
}

function decodeDueCursor(s: string | undefined): DueCursor | null {
  if (!s) return null;
  const m = /^d\.(\d{1,17}|inf)\.(\d{1,15})$/.exec(Buffer.from(s, 'base64url').toString('utf8'));
  return m ? { dueUs: m[1] === 'inf' ? null : Number(m[1]), id: Number(m[2]) } : null;
}

/** A cursor this queue made (anything else is a bad request at the web edge). */
export const isQueueCursor = (c: string): boolean => decodeCursor(c) !== null || decodeDueCursor(c) !== null;

/** The "due first" key: tickets without a running clock after every due instant (index tickets_open_sla_due). */
const DUE_KEY = "coalesce(t.sla_due_at, 'infinity'::timestamptz)";

/** A search: words over the ticket's search vector (text, follow-ups, customer names), or its reference. */
function applySearch(q: Knex.QueryBuilder, text: string, prefix: string): void {
  const ref =
    parseReference(prefix, text) ?? (/^#?\d{1,12}$/.test(text) ? Number(text.replace('#', '')) : null);
  q.where((w) => {
    w.whereRaw('t.search @@ izd_tsq(?)', [text]);
    if (ref !== null) w.orWhere('t.id', ref);
  });
}

/**
 * One page of the agent queue, by priority (1 first) then age (oldest first), with keyset pagination so
 * page 1000 costs what page 1 does. The default view walks the partial index tickets_open_queue.
 */
export async function agentQueue(
  db: Db,
  filters: QueueFilters,
  page: { limit: number; after?: string; ticketPrefix: string },
): Promise<QueuePage> {
  const limit = clampLimit(page.limit);
  const rows: (QueueRow & { created_us: number; due_us: number | null })[] = await queueQuery(
    db,
    filters,
    page,
  );
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown.at(-1);
  const cursor = (r: (typeof rows)[number]) =>
    filters.sort === 'due'
      ? encodeDueCursor({ dueUs: r.due_us === null ? null : Number(r.due_us), id: r.id })
      : encodeCursor({ priority: r.priority, createdUs: r.created_us, id: r.id });
  return {
    rows: shown.map(({ created_us: _, due_us: __, ...r }) => r),
    next: more && last ? cursor(last) : null,
  };
}

const clampLimit = (n: number) => Math.min(Math.max(n, 1), 100);

/** The queue's SQL (one row more than the page, to know whether there is a next one); exported for EXPLAIN. */
export function queueQuery(
  db: Db,
  filters: QueueFilters,
  page: { limit: number; after?: string; ticketPrefix: string },
): Knex.QueryBuilder {
  const limit = clampLimit(page.limit);
  const q = db('tickets as t')
    .leftJoin('users as r', 'r.id', 't.requester_id')
    .leftJoin('companies as c', 'c.id', 't.company_id')
    .leftJoin('users as a', 'a.id', 't.assignee_id')
    .leftJoin('services as s', 's.id', 't.service_id')
    .leftJoin('teams as tm', 'tm.id', 't.team_id')
    .select(
      't.id',
      't.title',
      't.status',
      't.type',
      't.category',
      't.urgency',
      't.priority',
      't.created_at',
      't.updated_at',
      't.requester_id',
      'r.name as requester_name',
      'c.name as company_name',
      't.assignee_id',
      'a.name as assignee_name',
      's.name as service_name',
      't.first_answer_due_at',
      't.first_answer_warn_at',
      't.first_answered_at',
      't.resolution_due_at',
      't.resolution_warn_at',
      't.sla_paused_at',
      'tm.name as team_name',
      db.raw('(extract(epoch from t.created_at) * 1000000)::bigint as created_us'),
      db.raw('(extract(epoch from t.sla_due_at) * 1000000)::bigint as due_us'),
    )
    .limit(limit + 1);
  if (filters.sort === 'due') q.orderByRaw(`${DUE_KEY} asc, t.id asc`);
  else
    q.orderBy([
      { column: 't.priority', order: 'asc' },
      { column: 't.created_at', order: 'asc' },
      { column: 't.id', order: 'asc' },
    ]);

  const status = filters.waiting ? 'pending' : (filters.status ?? 'open');
  if (status === 'open') q.whereRaw("t.status <> 'closed'");
  else if (status !== 'all' && (TICKET_STATUSES as readonly string[]).includes(status))
    q.where('t.status', status);
  if (filters.type) q.where('t.type', filters.type);
  if (filters.category) q.where('t.category', filters.category);
  if (filters.urgency) q.where('t.urgency', filters.urgency);
  if (filters.serviceId) q.where('t.service_id', filters.serviceId);
  if (filters.companyId) q.where('t.company_id', filters.companyId);
  if (filters.requesterId) q.where('t.requester_id', filters.requesterId);
  if (typeof filters.majorIncidents === 'number') q.where('t.major_incident_id', filters.majorIncidents);
  else if (filters.majorIncidents !== true) q.whereNull('t.major_incident_id');
  if (filters.unassigned) q.whereNull('t.assignee_id');
  else if (filters.assigneeId) q.where('t.assignee_id', filters.assigneeId);
  const teams = filters.teams;
  if (teams)
    q.where((w) => {
      if (teams.ids.length) w.whereIn('t.team_id', teams.ids);
      if (teams.orNone || !teams.ids.length) w.orWhereNull('t.team_id');
    });
  const text = filters.q?.trim();
  if (text) applySearch(q, text.slice(0, 200), page.ticketPrefix);
  const due = filters.sort === 'due' ? decodeDueCursor(page.after) : null;
  if (due)
    q.whereRaw(
      `(${DUE_KEY}, t.id) > (${due.dueUs === null ? "'infinity'::timestamptz" : "timestamptz 'epoch' + ? * interval '1 microsecond'"}, ?)`,
      due.dueUs === null ? [due.id] : [due.dueUs, due.id],
    );
  const cursor = filters.sort === 'due' ? null : decodeCursor(page.after);
  if (cursor) {
    q.whereRaw(
      "(t.priority, t.created_at, t.id) > (?, timestamptz 'epoch' + ? * interval '1 microsecond', ?)",
      [cursor.priority, cursor.createdUs, cursor.id],
    );
  }
  return q;
}

/** Counts beyond this are shown as an estimate: counting a million closed tickets per page view is waste. */
export const EXACT_COUNT_LIMIT = 10_000;

export interface StatusCount {
  status: TicketStatus;
  count: number;
  /** True when the figure is the planner's estimate (over EXACT_COUNT_LIMIT). */
  estimated: boolean;
}

/**
 * Tickets per status: exact up to EXACT_COUNT_LIMIT (a bounded index-only scan each), otherwise the
 * statistics' estimate, so the cost stays flat however many tickets there are.
 */
export async function statusCounts(db: Db): Promise<StatusCount[]> {
  const parts = TICKET_STATUSES.map(
    (s) =>
      `select '${s}'::text as status, (select count(*) from (select 1 from tickets where status = '${s}' limit ${EXACT_COUNT_LIMIT + 1}) x)::int as n`,
  );
  const exact: { status: TicketStatus; n: number }[] = (await db.raw(parts.join(' union all '))).rows;
  const over = exact.filter((e) => e.n > EXACT_COUNT_LIMIT);
  const estimates = new Map<string, number>();
  if (over.length) {
    const stats = await db.raw(
      `select s.most_common_vals::text::text[] as vals, s.most_common_freqs as freqs, c.reltuples
         from pg_class c left join pg_stats s
           on s.tablename = 'tickets' and s.attname = 'status' and s.schemaname = current_schema()
        where c.oid = 'tickets'::regclass`,
    );
    const row = stats.rows[0] as
      | { vals: string[] | null; freqs: number[] | null; reltuples: number }
      | undefined;
    row?.vals?.forEach((v, i) => {
      estimates.set(v, Math.round((row.freqs?.[i] ?? 0) * Math.max(row.reltuples, 0)));
    });
  }
  return exact.map((e) =>
    e.n > EXACT_COUNT_LIMIT
      ? { status: e.status, count: Math.max(estimates.get(e.status) ?? 0, e.n), estimated: true }
      : { status: e.status, count: e.n, estimated: false },
  );
}
