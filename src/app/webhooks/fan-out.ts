import { WEBHOOK_TEST_EVENT } from '../../domain/webhooks.js';
import type { AppContext } from '../context.js';
import { type WebhookActor, type WebhookSource, type WebhookTicket, webhookBody } from './payload.js';

/** A delivery to put on the webhooks queue. */
export interface QueuedWebhook {
  id: number;
  outboxId: number;
  endpointId: number;
}

const TICKET_COLUMNS = [
  'id',
  'title',
  'status',
  'type',
  'category',
  'priority',
  'requester_id',
  'company_id',
  'assignee_id',
  'team_id',
] as const;

/** The endpoints an outbox row goes to: those wanting its event; a test goes to its own endpoint only. */
function targets(row: WebhookSource, endpoints: { id: number; events: string[] }[]): number[] {
  if (row.event === WEBHOOK_TEST_EVENT) {
    const to = row.payload.endpointId;
    return endpoints.filter((e) => e.id === to).map((e) => e.id);
  }
  // The agents' mail about a burst of follow-ups repeats follow-ups that have a row of their own.
  if (Array.isArray(row.payload.followupIds)) return [];
  return endpoints.filter((e) => e.events.includes(row.event)).map((e) => e.id);
}

const byId = <T extends { id: number }>(rows: T[]): Map<number, T> => new Map(rows.map((r) => [r.id, r]));

/**
 * Fans committed outbox rows out to the active endpoints, at most `limit` rows: one delivery (pending, with its
 * body) per endpoint wanting the event, then the rows marked. Only committed rows are visible here, so an event
 * whose transaction rolled back is never delivered. The rows are read without a lock and marked by a statement
 * of its own: the mail relay skips locked outbox rows, and a lock held here would hold its mail back. Two
 * fan-outs of a row (two workers, or a crash before the mark) add nothing the second time: a delivery is unique
 * per endpoint and row. Returns how many outbox rows it read.
 */
export async function fanOutWebhooks(ctx: AppContext, limit: number): Promise<number> {
  const { db } = ctx;
  const rows: WebhookSource[] = await db('outbox')
    .whereNull('webhooks_at')
    .orderBy('id')
    .limit(limit)
    .select('id', 'event', 'ticket_id', 'actor_id', 'payload', 'created_at');
  if (rows.length === 0) return 0;
  const endpoints = await db('webhook_endpoints').where({ active: true }).select('id', 'events');
  const wanted = rows.map((row) => ({ row, to: targets(row, endpoints) })).filter((w) => w.to.length);
  if (wanted.length) {
    const ticketIds = [...new Set(wanted.flatMap((w) => (w.row.ticket_id ? [w.row.ticket_id] : [])))];
    const actorIds = [...new Set(wanted.flatMap((w) => (w.row.actor_id ? [w.row.actor_id] : [])))];
    const tickets = byId<WebhookTicket>(await db('tickets').whereIn('id', ticketIds).select(TICKET_COLUMNS));
    const actors = byId<WebhookActor>(await db('users').whereIn('id', actorIds).select('id', 'name', 'role'));
    await db('webhook_deliveries')
      .insert(
        wanted.flatMap(({ row, to }) => {
          const body = webhookBody(
            row,
            row.ticket_id ? tickets.get(row.ticket_id) : undefined,
            row.actor_id ? actors.get(row.actor_id) : undefined,
            ctx.ticketPrefix,
          );
          return to.map((endpointId) => ({
            endpoint_id: endpointId,
            outbox_id: row.id,
            event: row.event,
            body,
          }));
        }),
      )
      .onConflict(['endpoint_id', 'outbox_id'])
      .ignore();
  }
  await db('outbox')
    .whereIn(
      'id',
      rows.map((r) => r.id),
    )
    .whereNull('webhooks_at')
    .update({ webhooks_at: new Date() });
  return rows.length;
}

/**
 * Marks up to `limit` pending deliveries as enqueued and returns them: those never enqueued, and those enqueued
 * more than `staleSeconds` ago (their job may have been lost with Redis; the queue's job id makes adding one
 * that is still there a no-op).
 */
export async function claimWebhooksToEnqueue(
  ctx: AppContext,
  staleSeconds: number,
  limit: number,
): Promise<QueuedWebhook[]> {
  const rows: { id: number; outbox_id: number; endpoint_id: number }[] = (
    await ctx.db.raw(
      `update webhook_deliveries d set enqueued_at = now()
       where d.id in (
         select id from webhook_deliveries
         where status = 'pending' and (enqueued_at is null or enqueued_at < now() - make_interval(secs => ?))
         order by id limit ? for update skip locked)
       returning d.id, d.outbox_id, d.endpoint_id`,
      [staleSeconds, limit],
    )
  ).rows;
  return rows.map((r) => ({ id: r.id, outboxId: r.outbox_id, endpointId: r.endpoint_id }));
}
