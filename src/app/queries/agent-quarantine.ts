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
}

const HELD_COLUMNS = [
  'id',
  'mailbox',
  'from_address',
  'subject',
  'outcome',
  'reason',
  'size',
  'received_at',
  'created_at',
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
    .select(HELD_COLUMNS);
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
      .first(...HELD_COLUMNS, 'raw', 'quarantine_state')) ?? null
  );
}
