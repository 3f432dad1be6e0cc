import { type AttemptOutcome, signWebhook } from '../domain/webhooks.js';

export interface WebhookRequest {
  url: string;
  secret: string;
  event: string;
  deliveryId: number;
  body: string;
  timeoutMs: number;
}

/**
 * One signed POST of a delivery. Redirects are not followed (a 3xx is the answer), the answer's body is not
 * read beyond what closing it needs, and anything but an HTTP answer within the timeout is a failure without
 * a status.
 */
export async function postWebhook(r: WebhookRequest): Promise<AttemptOutcome & { durationMs: number }> {
  const started = performance.now();
  const t = Math.floor(Date.now() / 1000);
  try {
    const res = await fetch(r.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(r.timeoutMs),
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Izardesk-Webhooks/1',
        'Izardesk-Event': r.event,
        'Izardesk-Delivery': String(r.deliveryId),
        'Izardesk-Signature': signWebhook(r.secret, t, r.body),
      },
      body: r.body,
    });
    await res.body?.cancel();
    const error = res.ok ? null : `HTTP ${res.status} ${res.statusText}`.trim();
    return { status: res.status, error, durationMs: Math.round(performance.now() - started) };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const error =
      e.name === 'TimeoutError'
        ? `no answer within ${r.timeoutMs} ms`
        : [e.message, e.cause?.code ?? e.cause?.message].filter(Boolean).join(': ');
    return { status: null, error, durationMs: Math.round(performance.now() - started) };
  }
}
