import type { OutboxEvent } from '../app/outbox.js';
import type { Db } from '../db/db.js';
import type { UserRow } from '../db/tables.js';

export interface OutboxRecord {
  id: number;
  event: OutboxEvent;
  ticket_id: number | null;
  actor_id: number | null;
  payload: Record<string, unknown>;
  /** The ticket and follow-up the event is about, loaded with the row. */
  ticket: TicketView | null;
  followup_body: string | null;
  /** The files of the event: its follow-up's, or the ticket's own for a new ticket. */
  files: AttachedFile[];
  /** Message-ID (no brackets) of the mail this event came from, if it came by mail. */
  event_message_id: string | null;
  /** Message-IDs of the latest mails received on the ticket, oldest first: the thread the customer sees. */
  thread_message_ids: string[];
  /** Requester, assignee and actor, when they exist. */
  people: PersonRow[];
  /** What earlier attempts recorded for this row, by recipient. */
  deliveries: Map<string, PastDelivery>;
  /** The ticket's mailbox when it has an active one: its mails go out from that address. */
  sender: SenderIdentity | null;
}

export interface SenderIdentity {
  address: string;
  name: string;
  /** Display names by language, over `name`. */
  names: Record<string, string>;
}

export interface AttachedFile {
  name: string;
  size: number;
}

export interface PastDelivery {
  status: 'sending' | 'sent' | 'failed' | 'bounced';
  messageId: string;
}

export interface TicketView {
  id: number;
  title: string;
  status: string;
  type: string;
  category: string;
  description: string;
  solution: string | null;
  resolved_at: Date | null;
  requester_id: number;
  assignee_id: number | null;
  team_id: number | null;
  service_name: string | null;
}

export const USER_COLUMNS = [
  'id',
  'email',
  'name',
  'role',
  'language',
  'active',
  'bounced_at',
  'password_hash',
  'notify_self',
  'time_zone',
] as const;

/** What a mail needs of a person it concerns. */
export type PersonRow = Pick<UserRow, (typeof USER_COLUMNS)[number]>;

const WHO = ['req', 'asg', 'act'] as const;

/** The rows of the event's own files or mail: a new ticket's are not tied to a follow-up. */
const OF_EVENT = (alias: string) =>
  `case when o.event = 'ticket.created' then ${alias}.followup_id is null else ${alias}.followup_id = f.id end`;

/** How many of the ticket's received mails the References header names. */
const THREAD_LENGTH = 10;

/** The query text for a `where` on `o`, built once: no need to compile the same 40-column join for every job. */
const buildLoadSql = (db: Db, where: string): string =>
  db('outbox as o')
    .leftJoin('tickets as t', 't.id', 'o.ticket_id')
    .leftJoin('services as s', 's.id', 't.service_id')
    .leftJoin('followups as f', function () {
      this.on('f.ticket_id', 'o.ticket_id').andOn(
        'f.id',
        db.raw(
          "case when jsonb_typeof(o.payload->'followupId') = 'number' then (o.payload->>'followupId')::bigint end",
        ),
      );
    })
    .leftJoin('users as req', 'req.id', 't.requester_id')
    .leftJoin('users as asg', 'asg.id', 't.assignee_id')
    .leftJoin('users as act', 'act.id', 'o.actor_id')
    // No bound value in the query text (it is built once and run with the row's id only): `active` is checked below.
    .leftJoin('mailboxes as mb', 'mb.id', 't.mailbox_id')
    .whereRaw(where)
    .select(
      'o.id',
      'o.event',
      'o.ticket_id',
      'o.actor_id',
      'o.payload',
      't.title',
      't.status',
      't.type',
      't.category',
      't.description',
      't.solution',
      't.resolved_at',
      't.requester_id',
      't.assignee_id',
      't.team_id',
      's.name as service_name',
      'f.body as followup_body',
      db.raw('case when mb.active then mb.address end as sender_address'),
      'mb.display_name as sender_name',
      'mb.display_names as sender_names',
      ...WHO.flatMap((w) => USER_COLUMNS.map((c) => `${w}.${c} as ${w}_${c}`)),
      db.raw(
        `(select jsonb_object_agg(d.recipient, jsonb_build_array(d.status, d.message_id))
          from deliveries d where d.outbox_id = o.id) as deliveries`,
      ),
      db.raw(
        `(select jsonb_agg(jsonb_build_array(a.filename, a.size) order by a.created_at, a.id)
          from attachments a where a.ticket_id = o.ticket_id and ${OF_EVENT('a')}) as files`,
      ),
      db.raw(
        `(select m.message_id from inbound_mails m
          where m.ticket_id = o.ticket_id and m.message_id is not null and ${OF_EVENT('m')}
          order by m.id limit 1) as event_message_id`,
      ),
      db.raw(
        `(select jsonb_agg(x.message_id order by x.id) from (
            select m.id, m.message_id from inbound_mails m
            where m.ticket_id = o.ticket_id and m.message_id is not null
            order by m.id desc limit ${THREAD_LENGTH}) x) as thread_message_ids`,
      ),
    )
    .toSQL().sql;

let byIdSql: string | null = null;
let byBatchSql: string | null = null;

/** An outbox row with its ticket, follow-up, files, mail thread and earlier deliveries, in one query. */
export async function loadOutbox(db: Db, id: number): Promise<OutboxRecord | null> {
  byIdSql ??= buildLoadSql(db, 'o.id = ?');
  const rows: Record<string, unknown>[] = (await db.raw(byIdSql, [id])).rows;
  return rows[0] ? outboxRecord(rows[0]) : null;
}

/** The rows of a batch not done yet, as loadOutbox loads them, in one query. */
export async function loadBatch(db: Db, batch: number): Promise<OutboxRecord[]> {
  byBatchSql ??= buildLoadSql(db, 'o.batch = ? and o.done_at is null');
  const rows: Record<string, unknown>[] = (await db.raw(byBatchSql, [batch])).rows;
  return rows.map(outboxRecord);
}

function outboxRecord(r: Record<string, unknown>): OutboxRecord {
  const people: PersonRow[] = [];
  for (const w of WHO) {
    if (r[`${w}_id`] == null) continue;
    people.push(Object.fromEntries(USER_COLUMNS.map((c) => [c, r[`${w}_${c}`]])) as unknown as PersonRow);
  }
  const ticketId = r.ticket_id as number | null;
  return {
    id: r.id as number,
    event: r.event as OutboxEvent,
    ticket_id: ticketId,
    actor_id: r.actor_id as number | null,
    payload: r.payload as Record<string, unknown>,
    followup_body: r.followup_body as string | null,
    files: ((r.files ?? []) as [string, number][]).map(([name, size]) => ({ name, size })),
    event_message_id: r.event_message_id as string | null,
    thread_message_ids: (r.thread_message_ids ?? []) as string[],
    people,
    deliveries: new Map(
      Object.entries((r.deliveries ?? {}) as Record<string, [PastDelivery['status'], string]>).map(
        ([recipient, [status, messageId]]) => [recipient, { status, messageId }],
      ),
    ),
    sender:
      typeof r.sender_address === 'string'
        ? {
            address: r.sender_address,
            name: r.sender_name as string,
            names: (r.sender_names ?? {}) as Record<string, string>,
          }
        : null,
    ticket:
      ticketId && r.title != null
        ? {
            id: ticketId,
            title: r.title as string,
            status: r.status as string,
            type: r.type as string,
            category: r.category as string,
            description: r.description as string,
            solution: r.solution as string | null,
            resolved_at: r.resolved_at as Date | null,
            requester_id: r.requester_id as number,
            assignee_id: r.assignee_id as number | null,
            team_id: r.team_id as number | null,
            service_name: r.service_name as string | null,
          }
        : null,
  };
}
