import type { Db } from '../../db/db.js';

export interface HeldMail {
  id: number;
  mailbox: string;
  from_address: string | null;
  subject: string | null;
  outcome: string;
  reason: string | null;
  size: number | null;
  received_at: Date | null;
  created_at: Date;
  /** From an unknown address that looks like a person: the name their customer account would get. */
  person: string | null;
}

const heldColumns = (db: Db) => [
  'id',
  'mailbox',
  'from_address',
  'subject',
  'outcome',
  'reason',
  'size',
  'received_at',
  'created_at',
  // Recorded by the ingest for an unknown sender only (src/ingest/decisions/unknown-sender.ts).
  db.raw("details->>'person' as person"),
];

/** Mail the ingest held for a person to decide on, newest first (index inbound_mails_quarantine). */
export async function heldMails(
  db: Db,
  opts: { page: number; pageSize: number },
): Promise<{ rows: HeldMail[]; hasMore: boolean }> {
  const size = Math.min(Math.max(opts.pageSize, 1), 100);
  const rows: HeldMail[] = await db('inbound_mails')
    .where({ quarantine_state: 'held' })
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(size + 1)
    .offset(Math.max(opts.page - 1, 0) * size)
    .select(heldColumns(db));
  return { rows: rows.slice(0, size), hasMore: rows.length > size };
}

/** The stored text of one held mail, for an agent to read before deciding (shown as plain text). */
export async function heldMailSource(
  db: Db,
  id: number,
): Promise<(HeldMail & { raw: Buffer | null; quarantine_state: string | null }) | null> {
  return (
    (await db('inbound_mails')
      .where({ id })
      .first(...heldColumns(db), 'raw', 'quarantine_state')) ?? null
  );
}
