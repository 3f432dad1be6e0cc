import { AppError } from '../../domain/errors.js';
import type { Actor } from '../../domain/ticket-status.js';
import { newWebhookSecret, WEBHOOK_EVENTS, WEBHOOK_TEST_EVENT } from '../../domain/webhooks.js';
import { seal } from '../../infra/secret-box.js';
import { requireAdmin } from '../agent/guards.js';
import type { AppContext } from '../context.js';
import { writeOutbox } from '../outbox.js';

export interface WebhookEndpointInput {
  url: string;
  events: string[];
  active: boolean;
}

function parseUrl(v: string): URL | null {
  try {
    return new URL(v);
  } catch {
    return null;
  }
}

/** An absolute http(s) address without credentials, and known events, at least one; each field's error named. */
function checked(input: WebhookEndpointInput): WebhookEndpointInput {
  const fields: Record<string, string> = {};
  const url = parseUrl(input.url.trim());
  if (
    !url ||
    !['http:', 'https:'].includes(url.protocol) ||
    url.username ||
    url.password ||
    url.href.length > 2000
  )
    fields.url = 'webhooks:validation.url';
  const events = WEBHOOK_EVENTS.filter((e) => input.events.includes(e));
  if (events.length === 0 || events.length !== new Set(input.events).size)
    fields.events = 'webhooks:validation.events';
  if (!url || Object.keys(fields).length) throw new AppError('invalid', 'validation.fixFields', { fields });
  return { url: url.href, events, active: input.active };
}

const notFound = () => new AppError('not_found', 'webhooks:errors.notFound');

/** Registers an endpoint; returns its id and its signing secret, which is shown this once. */
export async function createWebhookEndpoint(
  ctx: AppContext,
  actor: Actor,
  input: WebhookEndpointInput,
  sealKey: string,
): Promise<{ id: number; secret: string }> {
  requireAdmin(actor);
  const v = checked(input);
  const secret = newWebhookSecret();
  const [row] = await ctx
    .db('webhook_endpoints')
    .insert({
      url: v.url,
      events: v.events,
      secret: seal(sealKey, secret),
      active: v.active,
      disabled_at: v.active ? null : new Date(),
      created_by: actor.kind === 'user' ? actor.id : null,
    })
    .returning('id');
  return { id: Number(row?.id), secret };
}

/**
 * Changes an endpoint's address, events or state. Enabling it again clears its failing streak (it starts
 * afresh); disabling it skips what is still pending for it.
 */
export async function updateWebhookEndpoint(
  ctx: AppContext,
  actor: Actor,
  id: number,
  input: WebhookEndpointInput,
): Promise<void> {
  requireAdmin(actor);
  const v = checked(input);
  await ctx.db.transaction(async (trx) => {
    const row = await trx('webhook_endpoints').where({ id }).forUpdate().first('id', 'active');
    if (!row) throw notFound();
    const now = new Date();
    await trx('webhook_endpoints')
      .where({ id })
      .update({
        url: v.url,
        events: v.events,
        active: v.active,
        updated_at: now,
        ...(v.active && !row.active ? { disabled_at: null, failing_since: null } : {}),
        ...(!v.active && row.active ? { disabled_at: now } : {}),
      });
    if (!v.active && row.active)
      await trx('webhook_deliveries')
        .where({ endpoint_id: id, status: 'pending' })
        .update({ status: 'skipped', error: 'endpoint disabled' });
  });
}

/** A new signing secret, replacing the old one at once; returned to be shown this once. */
export async function rotateWebhookSecret(
  ctx: AppContext,
  actor: Actor,
  id: number,
  sealKey: string,
): Promise<string> {
  requireAdmin(actor);
  const secret = newWebhookSecret();
  const n = await ctx
    .db('webhook_endpoints')
    .where({ id })
    .update({ secret: seal(sealKey, secret), updated_at: new Date() });
  if (!n) throw notFound();
  return secret;
}

/** Queues a `webhook.test` event for one active endpoint, through the outbox like any other event. */
export async function sendWebhookTest(ctx: AppContext, actor: Actor, id: number): Promise<void> {
  requireAdmin(actor);
  await ctx.db.transaction(async (trx) => {
    const row = await trx('webhook_endpoints').where({ id }).first('id', 'active');
    if (!row) throw notFound();
    if (!row.active) throw new AppError('conflict', 'webhooks:errors.inactive');
    await writeOutbox(trx, [
      {
        event: WEBHOOK_TEST_EVENT,
        actorId: actor.kind === 'user' ? actor.id : null,
        payload: { endpointId: id },
      },
    ]);
  });
}
