import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The outbox events an endpoint may subscribe to (docs/webhooks.md describes each). */
export const WEBHOOK_EVENTS = [
  'ticket.created',
  'ticket.followup',
  'ticket.pending',
  'ticket.assigned',
  'ticket.resolved',
  'ticket.approved',
  'ticket.refused',
  'ticket.closed',
  'ticket.reopened',
  'ticket.updated',
  'ticket.merged',
  'ticket.outage_update',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const isWebhookEvent = (v: string): v is WebhookEvent =>
  (WEBHOOK_EVENTS as readonly string[]).includes(v);

/** The event of the admin's "send test event" button, delivered to that endpoint only. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

/** Receivers should refuse a signature older than this (replays). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** A new signing secret: 32 random bytes, prefixed so it is recognisable in a receiver's settings. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/** `Izardesk-Signature`: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export function signWebhook(secret: string, unixSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * What a receiver does (docs/webhooks.md has the same in a few lines of Node): recompute the HMAC of the raw
 * body, compare in constant time, refuse a timestamp further than the tolerance from its clock.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  const parts = new Map(
    header.split(',').map((p) => {
      const i = p.indexOf('=');
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, t, body).split('v1=')[1] ?? '', 'hex');
  const given = Buffer.from(v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The outcome of one POST: its HTTP status, or none when it never got an answer (timeout, refused). */
export type AttemptOutcome = { status: number | null; error: string | null };

export const isSuccess = (o: AttemptOutcome): boolean =>
  o.status !== null && o.status >= 200 && o.status < 300;

/**
 * Worth trying again: no answer, a 5xx, 408 (timeout) or 429 (slow down). Any other answer (a 3xx, which is not
 * followed, or a 4xx) is final: the receiver refused this delivery and will refuse it again.
 */
export const isRetryable = (o: AttemptOutcome): boolean =>
  o.status === null || o.status >= 500 || o.status === 408 || o.status === 429;

/** An endpoint failing without a success since `failingSince` for `days` is disabled. */
export const failedTooLong = (failingSince: Date, now: Date, days: number): boolean =>
  now.getTime() - failingSince.getTime() >= days * 24 * 3600 * 1000;
