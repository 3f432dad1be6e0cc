import { reasonCode } from '../../domain/mail-reasons.js';
import type { AppContext } from '../context.js';
import { writeOutbox } from '../outbox.js';

/** At most this many messages per digest; the rest wait for the next one. */
const MAX_PER_DIGEST = 100;

/**
 * Lists the messages held since the last digest in one 'quarantine.digest' mail to the agents, and marks them
 * as told (details.digestedAt), in one transaction: a message is in exactly one digest. Nothing new: no mail.
 */
export async function queueQuarantineDigest(ctx: AppContext, now = new Date()): Promise<{ listed: number }> {
  return ctx.db.transaction(async (trx) => {
    const rows: { id: number; from_address: string | null; subject: string | null; reason: string | null }[] =
      await trx('inbound_mails')
        .where({ quarantine_state: 'held' })
        .whereRaw("details->>'digestedAt' is null")
        .orderBy('id')
        .limit(MAX_PER_DIGEST)
        .forUpdate()
        .skipLocked()
        .select('id', 'from_address', 'subject', 'reason');
    if (!rows.length) return { listed: 0 };
    await trx('inbound_mails')
      .whereIn(
        'id',
        rows.map((r) => r.id),
      )
      .update({
        details: trx.raw("details || jsonb_build_object('digestedAt', ?::text)", [now.toISOString()]),
      });
    await writeOutbox(trx, [
      {
        event: 'quarantine.digest',
        payload: {
          mails: rows.map((r) => ({
            id: Number(r.id),
            from: r.from_address,
            subject: r.subject,
            code: reasonCode(r.reason) ?? 'other',
          })),
        },
      },
    ]);
    return { listed: rows.length };
  });
}
