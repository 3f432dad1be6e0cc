import type { Db } from '../../db/db.js';
import type { AuditLogRow } from '../../db/tables.js';

export interface AuditFilter {
  /** A user's actions, or the system's (jobs, mail); null: everyone's. */
  actor: number | 'system' | null;
  /** An action or the start of one (`user.` for every account change); '' for all. */
  action: string;
  /** [from, to) */
  from: Date | null;
  to: Date | null;
}

function filtered(db: Db, f: AuditFilter) {
  const q = db('audit_log').select('*');
  if (f.actor === 'system') q.whereNull('actor_id');
  else if (f.actor !== null) q.where({ actor_id: f.actor });
  if (f.action) q.where('action', 'like', `${f.action.replace(/[\\%_]/g, '\\$&')}%`);
  if (f.from) q.where('at', '>=', f.from);
  if (f.to) q.where('at', '<', f.to);
  return q;
}

/** One page, newest first; `before` is the last id of the previous page (keyset: no offset, no count). */
export async function auditLogPage(
  db: Db,
  f: AuditFilter,
  o: { before: number | null; limit: number },
): Promise<{ rows: AuditLogRow[]; nextBefore: number | null }> {
  const q = filtered(db, f);
  if (o.before !== null) q.where('id', '<', o.before);
  const rows: AuditLogRow[] = await q.orderBy('id', 'desc').limit(o.limit + 1);
  const more = rows.length > o.limit;
  const page = rows.slice(0, o.limit);
  return { rows: page, nextBefore: more ? (page.at(-1)?.id ?? null) : null };
}

/** Every matching row, newest first, read in pages: the CSV export of any length. */
export async function* auditLogRows(db: Db, f: AuditFilter, pageSize = 1000): AsyncGenerator<AuditLogRow> {
  let before: number | null = null;
  do {
    const page = await auditLogPage(db, f, { before, limit: pageSize });
    yield* page.rows;
    before = page.nextBefore;
  } while (before !== null);
}
