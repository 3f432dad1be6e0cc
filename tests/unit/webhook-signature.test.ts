import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  failedTooLong,
  isRetryable,
  isSuccess,
  newWebhookSecret,
  signWebhook,
  verifyWebhookSignature,
} from '../../src/domain/webhooks.js';

const SECRET = 'whsec_test-secret';
const BODY = '{"event":"ticket.created","ticket":{"id":1}}';

describe('webhook signature', () => {
  it('is t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>', () => {
    const mac = createHmac('sha256', SECRET).update(`1767225600.${BODY}`).digest('hex');
    expect(signWebhook(SECRET, 1767225600, BODY)).toBe(`t=1767225600,v1=${mac}`);
  });

  it('verifies within five minutes, and refuses older, altered or foreign signatures', () => {
    const sig = signWebhook(SECRET, 1000, BODY);
    expect(verifyWebhookSignature(SECRET, sig, BODY, 1000)).toBe(true);
    expect(verifyWebhookSignature(SECRET, sig, BODY, 1300)).toBe(true);
    expect(verifyWebhookSignature(SECRET, sig, BODY, 1301)).toBe(false);
    expect(verifyWebhookSignature(SECRET, sig, `${BODY} `, 1000)).toBe(false);
    expect(verifyWebhookSignature('whsec_other', sig, BODY, 1000)).toBe(false);
    expect(verifyWebhookSignature(SECRET, sig.replace('t=1000', 't=1001'), BODY, 1000)).toBe(false);
    expect(verifyWebhookSignature(SECRET, 'v1=abc', BODY, 1000)).toBe(false);
    expect(verifyWebhookSignature(SECRET, '', BODY, 1000)).toBe(false);
  });

  it('makes a fresh 256-bit secret each time', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });
});

describe('webhook retry policy', () => {
  const o = (status: number | null) => ({ status, error: null });
  it('retries no answer, 5xx, 408 and 429; any other answer is final', () => {
    for (const s of [null, 500, 502, 503, 504, 408, 429]) expect(isRetryable(o(s)), String(s)).toBe(true);
    for (const s of [301, 302, 400, 401, 403, 404, 410, 422])
      expect(isRetryable(o(s)), String(s)).toBe(false);
    expect(isSuccess(o(200))).toBe(true);
    expect(isSuccess(o(204))).toBe(true);
    expect(isSuccess(o(302))).toBe(false);
    expect(isSuccess(o(null))).toBe(false);
  });

  it('disables after the configured days of failures on end', () => {
    const since = new Date('2026-12-01T00:00:00Z');
    expect(failedTooLong(since, new Date('2026-12-03T23:59:59Z'), 3)).toBe(false);
    expect(failedTooLong(since, new Date('2026-12-04T00:00:00Z'), 3)).toBe(true);
    expect(failedTooLong(since, new Date('2026-12-01T00:00:02Z'), 1 / 86400)).toBe(true);
  });
});
