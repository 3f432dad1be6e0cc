import type { Tx } from '../../db/db.js';
import type { TicketRow } from '../../db/tables.js';
import type { AppContext } from '../context.js';
import { recordHistories } from '../history.js';
import { writeOutbox } from '../outbox.js';

export type SlaClock = 'first_answer' | 'resolution';
export type SlaNoticeKind = `${SlaClock}_${'warning' | 'breach'}`;

const RUNNING = ['new', 'in_progress'];

/** The notices a ticket's running clocks call for now (a breach makes its warning pointless: not mailed). */
function dueNotices(
  t: TicketRow,
  now: Date,
): { kind: SlaNoticeKind; clock: SlaClock; dueAt: Date; mailed: boolean }[] {
  if (!RUNNING.includes(t.status) || t.sla_paused_at !== null || t.sla_policy_id === null) return [];
  const out: { kind: SlaNoticeKind; clock: SlaClock; dueAt: Date; mailed: boolean }[] = [];
  const clocks: [SlaClock, Date | null, Date | null, boolean][] = [
    ['first_answer', t.first_answer_warn_at, t.first_answer_due_at, t.first_answered_at === null],
    ['resolution', t.resolution_warn_at, t.resolution_due_at, true],
  ];
  for (const [clock, warnAt, dueAt, open] of clocks) {
    if (!open || !warnAt || !dueAt || now < warnAt) continue;
    const breached = now >= dueAt;
    out.push({ kind: `${clock}_warning`, clock, dueAt, mailed: !breached });
    if (breached) out.push({ kind: `${clock}_breach`, clock, dueAt, mailed: true });
  }
  return out;
}

/**
 * One ticket's warnings and escalations, in one transaction: each notice is recorded once per ticket and kind
 * (sla_notices' key), with its history row and its outbox row, so a second worker, a second run or a run after
 * a restart finds it recorded and sends nothing.
 */
async function noticeTicket(trx: Tx, ticketId: number, now: Date): Promise<number> {
  const t = await trx('tickets').where({ id: ticketId }).forUpdate().first();
  if (!t) return 0;
  const wanted = dueNotices(t, now);
  if (!wanted.length) return 0;
  const inserted: { kind: SlaNoticeKind }[] = await trx('sla_notices')
    .insert(wanted.map((n) => ({ ticket_id: t.id, kind: n.kind, mailed: n.mailed })))
    .onConflict(['ticket_id', 'kind'])
    .ignore()
    .returning('kind');
  const fresh = new Set(inserted.map((r) => r.kind));
  const mails = wanted.filter((n) => n.mailed && fresh.has(n.kind));
  await recordHistories(
    trx,
    mails.map((n) => ({
      ticketId: t.id,
      actorId: null,
      kind: n.kind.endsWith('breach') ? ('sla_breach' as const) : ('sla_warning' as const),
      fromStatus: t.status,
      toStatus: t.status,
      data: { clock: n.clock, dueAt: n.dueAt.toISOString() },
    })),
  );
  await writeOutbox(
    trx,
    mails.map((n) => ({
      event: n.kind.endsWith('breach') ? ('sla.breach' as const) : ('sla.warning' as const),
      ticketId: t.id,
      actorId: null,
      payload: { clock: n.clock, dueAt: n.dueAt.toISOString(), teamId: t.team_id },
    })),
  );
  return mails.length;
}

/**
 * The SLA warnings and escalations due at `now`: tickets whose running clock has reached its warning instant
 * and whose breach is not recorded yet, in batches by id. Returns the mails queued.
 */
export async function sendSlaNotices(app: AppContext, now: Date, batch = 200): Promise<{ notices: number }> {
  let notices = 0;
  let afterId = 0;
  for (;;) {
    const ids: number[] = (
      await app.db.raw<{ rows: { id: number }[] }>(
        `select id from (
           select t.id from tickets t
            where t.first_answered_at is null and t.sla_paused_at is null and t.status in ('new', 'in_progress')
              and t.first_answer_warn_at <= ? and t.id > ?
              and not exists (select 1 from sla_notices n where n.ticket_id = t.id and n.kind = 'first_answer_breach')
           union
           select t.id from tickets t
            where t.sla_paused_at is null and t.status in ('new', 'in_progress')
              and t.resolution_warn_at <= ? and t.id > ?
              and not exists (select 1 from sla_notices n where n.ticket_id = t.id and n.kind = 'resolution_breach')
         ) x order by id limit ?`,
        [now, afterId, now, afterId, batch],
      )
    ).rows.map((r) => Number(r.id));
    for (const id of ids) notices += await app.db.transaction((trx) => noticeTicket(trx, id, now));
    if (ids.length < batch) break;
    afterId = ids.at(-1) as number;
  }
  return { notices };
}
