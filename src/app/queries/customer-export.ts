import type { Knex } from 'knex';
import type { Db, Tx } from '../../db/db.js';
import { AppError } from '../../domain/errors.js';
import { formatReference } from '../../domain/reference.js';

/** A row as Postgres renders it in JSON (dates as ISO text), for the export's files. */
type JsonRow = Record<string, unknown>;

/**
 * Every address the customer used: the current one, those their mails went to (deliveries keep the address of
 * the day) and those of their email changes.
 */
export async function knownAddresses(db: Db | Tx, userId: number, email: string): Promise<string[]> {
  const { rows } = await db.raw<{ rows: { a: string | null }[] }>(
    `select lower(recipient) as a from deliveries where user_id = ?
     union select lower(payload->>k) from outbox, unnest(array['oldEmail', 'newEmail']) k
      where event in ('account.email_change', 'account.email_changed') and payload->>'userId' = ?`,
    [userId, String(userId)],
  );
  return [...new Set([email.toLowerCase(), ...rows.flatMap((r) => (r.a ? [r.a] : []))])];
}

export interface ExportFile {
  /** Its path in the archive. */
  path: string;
  /** Where its bytes are read from when the archive is written (one at a time). */
  source: { kind: 'attachment'; id: string } | { kind: 'raw_mail'; id: number };
}

export interface CustomerExport {
  userId: number;
  profile: { user: JsonRow; company: JsonRow | null; services: JsonRow[]; satisfaction: JsonRow[] };
  tickets: JsonRow[];
  /** Their follow-ups and files on tickets of others (a colleague's, of the same company). */
  followupsElsewhere: JsonRow[];
  attachmentsElsewhere: JsonRow[];
  /** Mails sent to them (deliveries). */
  mailsSent: JsonRow[];
  /** Mails received from them (the ingest's records; the raw message is a file of its own). */
  mailsReceived: JsonRow[];
  files: ExportFile[];
}

const rowsOf = async (db: Db, sql: string, bindings: Knex.RawBinding[]): Promise<JsonRow[]> =>
  (await db.raw<{ rows: { r: JsonRow }[] }>(sql, bindings)).rows.map((x) => x.r);

const pathPart = (s: string) => s.replace(/[/\\]/g, '_');

function groupByTicket(rows: JsonRow[]): Map<number, JsonRow[]> {
  const map = new Map<number, JsonRow[]>();
  for (const r of rows) {
    const list = map.get(Number(r.ticket_id));
    if (list) list.push(r);
    else map.set(Number(r.ticket_id), [r]);
  }
  return map;
}

/** Everything the product keeps about a customer, for the export (GDPR art. 15 and 20). */
export async function customerExport(db: Db, ticketPrefix: string, userId: number): Promise<CustomerExport> {
  const user = await db('users').where({ id: userId }).first('id', 'role', 'email', 'company_id');
  if (!user) throw new AppError('not_found', 'agent:errors.userNotFound');
  if (user.role !== 'customer') throw new AppError('conflict', 'gdpr:onlyCustomers');
  const addresses = await knownAddresses(db, userId, user.email);
  const [profile] = await rowsOf(db, "select to_jsonb(u) - 'password_hash' as r from users u where id = ?", [
    userId,
  ]);
  const [company] = await rowsOf(db, 'select to_jsonb(c) as r from companies c where id = ?', [
    user.company_id,
  ]);
  const services = await rowsOf(
    db,
    'select to_jsonb(s) as r from services s where company_id = ? order by id',
    [user.company_id],
  );
  const tickets = await rowsOf(
    db,
    "select to_jsonb(t) - 'search' as r from tickets t where requester_id = ? order by id",
    [userId],
  );
  const ids = tickets.map((t) => Number(t.id));
  const own = new Set(ids);
  const followups = groupByTicket(
    await rowsOf(db, 'select to_jsonb(f) as r from followups f where ticket_id = any(?) order by id', [ids]),
  );
  const events = groupByTicket(
    await rowsOf(db, 'select to_jsonb(e) as r from ticket_events e where ticket_id = any(?) order by id', [
      ids,
    ]),
  );
  const attachments = await rowsOf(
    db,
    `select to_jsonb(a) - 'data' as r from attachments a
      where ticket_id = any(?) or uploaded_by = ? order by created_at, id`,
    [ids, userId],
  );
  const satisfaction = await rowsOf(
    db,
    'select to_jsonb(s) as r from satisfaction s where ticket_id = any(?) or user_id = ? order by id',
    [ids, userId],
  );
  const followupsElsewhere = await rowsOf(
    db,
    'select to_jsonb(f) as r from followups f where author_id = ? and not ticket_id = any(?) order by id',
    [userId, ids],
  );
  const mailsSent = await rowsOf(
    db,
    'select to_jsonb(d) as r from deliveries d where user_id = ? or lower(recipient) = any(?) order by id',
    [userId, addresses],
  );
  const mailsReceived = await rowsOf(
    db,
    `select to_jsonb(m) - 'raw' || jsonb_build_object('has_raw', m.raw is not null) as r from inbound_mails m
      where lower(from_address) = any(?)
         or followup_id in (select id from followups where author_id = ?)
      order by id`,
    [addresses, userId],
  );

  const ref = (ticketId: number) => formatReference(ticketPrefix, ticketId);
  const files: ExportFile[] = [];
  const fileOf = (a: JsonRow): JsonRow => {
    const folder = own.has(Number(a.ticket_id)) ? ref(Number(a.ticket_id)) : 'other-tickets';
    const path = `attachments/${folder}/${String(a.id)}-${pathPart(String(a.filename))}`;
    files.push({ path, source: { kind: 'attachment', id: String(a.id) } });
    return { ...a, file: path };
  };
  const attachmentFiles = attachments.map(fileOf);
  for (const m of mailsReceived)
    if (m.has_raw)
      files.push({ path: `mails/${Number(m.id)}.eml`, source: { kind: 'raw_mail', id: Number(m.id) } });

  return {
    userId,
    profile: { user: profile ?? {}, company: company ?? null, services, satisfaction },
    tickets: tickets.map((t) => {
      const id = Number(t.id);
      return {
        reference: ref(id),
        ticket: t,
        followups: followups.get(id) ?? [],
        history: events.get(id) ?? [],
        attachments: attachmentFiles.filter((a) => Number(a.ticket_id) === id),
      };
    }),
    followupsElsewhere,
    attachmentsElsewhere: attachmentFiles.filter((a) => !own.has(Number(a.ticket_id))),
    mailsSent,
    mailsReceived: mailsReceived.map((m) => (m.has_raw ? { ...m, file: `mails/${Number(m.id)}.eml` } : m)),
    files,
  };
}

/** The bytes of one file of the export; null when it is gone since (deleted meanwhile). */
export async function exportFileBytes(db: Db, source: ExportFile['source']): Promise<Buffer | null> {
  if (source.kind === 'attachment')
    return (await db('attachments').where({ id: source.id }).first('data'))?.data ?? null;
  return (await db('inbound_mails').where({ id: source.id }).first('raw'))?.raw ?? null;
}
