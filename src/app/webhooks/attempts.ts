import { type AttemptOutcome, failedTooLong, isRetryable, isSuccess } from '../../domain/webhooks.js';
import { type AppContext, nowOf } from '../context.js';
import { writeOutbox } from '../outbox.js';

export interface WebhookAttempt {
  deliveryId: number;
  endpointId: number;
  outcome: AttemptOutcome;
  durationMs: number;
  /** The queue has no attempt left: a failure now is final even if it could be retried. */
  lastAttempt: boolean;
  /** WEBHOOK_DISABLE_AFTER_DAYS. */
  disableAfterDays: number;
}

/** What became of the delivery: `retry` asks the queue for another attempt. */
export type AttemptResult = 'delivered' | 'retry' | 'failed' | 'disabled';

const oneLine = (s: string | null) => (s === null ? null : (s.split('\n')[0] ?? '').slice(0, 500));

/**
 * Records one POST of a delivery and its effect on the endpoint, in one transaction: a success clears the
 * endpoint's failing streak; a failure starts it (or keeps it), and once the streak is `disableAfterDays` long
 * the endpoint is disabled, its other pending deliveries skipped and the admins told (outbox `webhook.disabled`).
 * Only a pending delivery is written: an attempt that raced another one changes nothing.
 */
export async function recordWebhookAttempt(ctx: AppContext, a: WebhookAttempt): Promise<AttemptResult> {
  const now = nowOf(ctx);
  return ctx.db.transaction(async (trx) => {
    const endpoint = await trx('webhook_endpoints')
      .where({ id: a.endpointId })
      .forUpdate()
      .first('id', 'url', 'active', 'failing_since');
    const ok = isSuccess(a.outcome);
    const since = endpoint?.failing_since ?? now;
    const disable = !ok && endpoint?.active === true && failedTooLong(since, now, a.disableAfterDays);
    const result = ok
      ? 'delivered'
      : disable
        ? 'disabled'
        : isRetryable(a.outcome) && !a.lastAttempt
          ? 'retry'
          : 'failed';
    await trx('webhook_deliveries')
      .where({ id: a.deliveryId, status: 'pending' })
      .update({
        status: ok ? 'delivered' : result === 'retry' ? 'pending' : 'failed',
        attempts: trx.raw('attempts + 1'),
        response_code: a.outcome.status,
        duration_ms: a.durationMs,
        error: oneLine(a.outcome.error),
        attempted_at: now,
        delivered_at: ok ? now : null,
      });
    if (!endpoint) return result;
    // The streak changes when a success ends it or a first failure starts it.
    if (ok !== (endpoint.failing_since === null))
      await trx('webhook_endpoints')
        .where({ id: endpoint.id })
        .update({ failing_since: ok ? null : since });
    if (!disable) return result;
    await trx('webhook_endpoints')
      .where({ id: endpoint.id })
      .update({ active: false, disabled_at: now, updated_at: now });
    await trx('webhook_deliveries')
      .where({ endpoint_id: endpoint.id, status: 'pending' })
      .update({ status: 'skipped', error: 'endpoint disabled' });
    await writeOutbox(trx, [
      {
        event: 'webhook.disabled',
        payload: {
          endpointId: endpoint.id,
          url: endpoint.url,
          failingSince: since.toISOString(),
          days: a.disableAfterDays,
        },
      },
    ]);
    return result;
  });
}

/** A pending delivery whose endpoint was disabled (or removed) before its turn: not sent. */
export async function skipWebhookDelivery(ctx: AppContext, deliveryId: number): Promise<void> {
  await ctx
    .db('webhook_deliveries')
    .where({ id: deliveryId, status: 'pending' })
    .update({ status: 'skipped', error: 'endpoint disabled' });
}
