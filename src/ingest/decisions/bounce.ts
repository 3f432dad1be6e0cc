import type { Tx } from '../../db/db.js';
import { bounceDetails } from '../robots.js';

/** A delivery report about one of our notifications: the delivery and its recipient are marked bounced. */
export async function recordBounce(trx: Tx, raw: Buffer, ownId: string | null): Promise<void> {
  const b = bounceDetails(raw, ownId);
  if (!b.messageIds.length) return;
  const rows: { id: number; recipient: string; user_id: number | null }[] = await trx('deliveries')
    .whereIn('message_id', b.messageIds)
    .select('id', 'recipient', 'user_id');
  const failed = rows.filter((r) => !b.recipients.length || b.recipients.includes(r.recipient.toLowerCase()));
  if (!failed.length) return;
  await trx('deliveries')
    .whereIn(
      'id',
      failed.map((r) => r.id),
    )
    .update({ status: 'bounced', error: b.diagnostic });
  const now = new Date();
  for (const r of failed) {
    await trx('users')
      .whereRaw('lower(email) = ?', [r.recipient.toLowerCase()])
      .update({ bounced_at: now, bounce_reason: b.diagnostic });
  }
}
