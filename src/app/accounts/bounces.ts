import type { AppContext } from '../context.js';
import { recordHistory } from '../history.js';

/** How long a bounce mark silences an address: after that, mail is tried again (a fixed mailbox, a new job). */
export const BOUNCE_MARK_DAYS = 30;

/** Whether a mark set at `bouncedAt` still holds mail back. */
export const bounceHolds = (bouncedAt: Date | null, now = Date.now()): boolean =>
  bouncedAt !== null && now - bouncedAt.getTime() < BOUNCE_MARK_DAYS * 24 * 3600_000;

/**
 * Mail to this address failed for good (a DSN `Action: failed` / 5.x.x for the recipient, or a 5xx naming the
 * recipient): no more notifications to it until the mark clears or expires. The ticket the mail was about shows
 * the bounce on its timeline for agents.
 */
export async function markBounced(
  ctx: AppContext,
  mark: { email: string; reason: string; ticketId: number | null },
): Promise<void> {
  await ctx.db.transaction(async (trx) => {
    const users: { id: number }[] = await trx('users')
      .whereRaw('lower(email) = ?', [mark.email.toLowerCase()])
      .update({ bounced_at: new Date(), bounce_reason: mark.reason.slice(0, 300) })
      .returning('id');
    if (mark.ticketId !== null && users.length)
      await recordHistory(trx, {
        ticketId: mark.ticketId,
        actorId: null,
        kind: 'bounced',
        data: { email: mark.email.toLowerCase(), reason: mark.reason.slice(0, 300) },
      });
  });
}

/**
 * What a delivery report says of one of our deliveries. A failure for good bounces the delivery and marks the
 * address (markBounced); a delay or a warning is only noted on the delivery.
 */
export async function recordDeliveryReport(
  ctx: AppContext,
  report: {
    deliveryId: number;
    recipient: string;
    ticketId: number | null;
    what: string;
    permanent: boolean;
  },
): Promise<void> {
  await ctx.db.transaction(async (trx) => {
    if (!report.permanent) {
      await trx('deliveries')
        .where({ id: report.deliveryId })
        .update({ error: `report: ${report.what}` });
      return;
    }
    await trx('deliveries')
      .where({ id: report.deliveryId })
      .update({ status: 'bounced', error: report.what });
    await markBounced(
      { ...ctx, db: trx },
      { email: report.recipient, reason: report.what, ticketId: report.ticketId },
    );
  });
}

/** The address works again (a mail from it arrived, or a mail to it was accepted): its bounce mark goes. */
export async function clearBounceMark(ctx: AppContext, who: { userId: number }): Promise<boolean> {
  const n = await ctx
    .db('users')
    .where({ id: who.userId })
    .whereNotNull('bounced_at')
    .update({ bounced_at: null, bounce_reason: null });
  return n > 0;
}

/** The requester of a ticket when mail to them bounces (an answer would not reach them by mail), else null. */
export async function requesterBounce(
  db: AppContext['db'],
  ticketId: number,
): Promise<{ email: string; bouncedAt: Date } | null> {
  const u: { email: string; bounced_at: Date | null } | undefined = await db('tickets as t')
    .join('users as u', 'u.id', 't.requester_id')
    .where('t.id', ticketId)
    .first('u.email', 'u.bounced_at');
  return u?.bounced_at && bounceHolds(u.bounced_at) ? { email: u.email, bouncedAt: u.bounced_at } : null;
}
