import { recordAudit } from '../audit.js';
import type { AppContext } from '../context.js';

/** Rows per statement: a short lock each, so the ingest never waits long behind the job. */
const BATCH = 500;

/**
 * Deletes the raw bytes of inbound mail recorded more than `days` days before `now` (RAW_MAIL_RETENTION_DAYS).
 * The record stays (sender, subject, outcome, ticket): only the message itself goes. Messages held in the
 * quarantine keep theirs until an agent decides (releasing one needs it). One audit row per run that deleted
 * anything.
 */
export async function purgeOldRawMail(
  ctx: AppContext,
  days: number,
  now = new Date(),
): Promise<{ purged: number }> {
  const before = new Date(now.getTime() - days * 86_400_000);
  let purged = 0;
  for (;;) {
    const n = await ctx.db.transaction(async (trx) => {
      const { rowCount } = await trx.raw<{ rowCount: number }>(
        `update inbound_mails set raw = null
          where id in (select id from inbound_mails
                        where raw is not null and created_at < ?
                          and quarantine_state is distinct from 'held'
                          and quarantine_state is distinct from 'releasing'
                        order by created_at, id limit ${BATCH}
                        for update skip locked)`,
        [before],
      );
      return rowCount;
    });
    purged += n;
    if (n < BATCH) break;
  }
  if (purged > 0)
    await ctx.db.transaction((trx) =>
      recordAudit(trx, {
        actor: { kind: 'system' },
        action: 'mail.raw_purged',
        details: { purged, days, before: before.toISOString() },
      }),
    );
  return { purged };
}
