import { afterAll, describe, expect, it } from 'vitest';
import { createFailFastRedis } from '../../src/infra/redis.js';
import { rateLimited } from '../../src/outbound/sending-rate.js';
import type { MailTransport } from '../../src/outbound/transport.js';
import { waitUntil } from '../helpers/poll.js';
import { startPrivateRedis } from '../helpers/private-redis.js';

const redis = await startPrivateRedis();
// Two worker processes' connections.
const one = createFailFastRedis(redis.url);
const two = createFailFastRedis(redis.url);
for (const c of [one, two]) c.on('error', () => {});
afterAll(async () => {
  for (const c of [one, two]) c.disconnect();
  await redis.stop();
});

/** A transport that only notes when each mail was handed to it. */
function recording(): { transport: MailTransport; times: number[] } {
  const times: number[] = [];
  return {
    times,
    transport: {
      send: async () => {
        times.push(performance.now());
      },
      health: async () => ({ ok: true }),
      close: () => {},
    },
  };
}

/** The most mails handed over within any `ms` milliseconds. */
const busiest = (times: number[], ms: number) =>
  Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + ms).length));

const mails = (t: MailTransport, n: number) =>
  Promise.all(Array.from({ length: n }, (_, i) => t.send({}, `mail-${i}`)));

describe('sending rate limit', () => {
  it('two worker processes together send at most SMTP_MAX_PER_SECOND mails per second', async () => {
    await waitUntil('redis', async () => one.status === 'ready' && two.status === 'ready', {
      timeoutMs: 5000,
    });
    const a = recording();
    const b = recording();
    const t0 = performance.now();
    await Promise.all([
      mails(rateLimited(a.transport, one, 'rate-two', 4), 6),
      mails(rateLimited(b.transport, two, 'rate-two', 4), 6),
    ]);
    const all = [...a.times, ...b.times].sort((x, y) => x - y);
    expect(all).toHaveLength(12);
    // Three windows of four: the last four go out two seconds after the first.
    expect(performance.now() - t0).toBeGreaterThan(1900);
    expect(busiest(all, 950)).toBeLessThanOrEqual(4);
  });

  it('a full window left without an expiry (set by hand, restored) still reopens', async () => {
    await one.set('rate-stuck', '100');
    const r = recording();
    const t0 = performance.now();
    await mails(rateLimited(r.transport, one, 'rate-stuck', 4), 2);
    expect(r.times).toHaveLength(2);
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('a fractional rate is kept over a longer window', async () => {
    const r = recording();
    await mails(rateLimited(r.transport, one, 'rate-fraction', 2.5), 6);
    // 3 slots per 1200 ms: the second three wait for the next window.
    expect(busiest(r.times, 1150)).toBeLessThanOrEqual(3);
    expect((r.times.at(-1) as number) - (r.times[0] as number)).toBeGreaterThan(1100);
  });

  it('with Redis away a mail fails at once instead of going out after the outage', async () => {
    const r = recording();
    const limited = rateLimited(r.transport, one, 'rate-outage', 100);
    await mails(limited, 1);
    await redis.stop();
    await waitUntil('the client to notice', async () => one.status !== 'ready', { timeoutMs: 5000 });
    await expect(limited.send({}, 'late')).rejects.toThrow(/Redis/);
    await redis.start();
    await waitUntil('redis back', async () => one.status === 'ready', { timeoutMs: 10_000 });
    await mails(limited, 1);
    expect(r.times).toHaveLength(2);
  });
});
