import type { Redis } from 'ioredis';
import type { MailTransport } from './transport.js';

/**
 * Takes up to ARGV[1] of the ARGV[2] slots of the current window (ARGV[3] ms, opened by its first taker);
 * returns how many it took and the milliseconds left in the window.
 */
const TAKE = `
local took = math.min(tonumber(ARGV[1]), tonumber(ARGV[2]) - tonumber(redis.call('get', KEYS[1]) or '0'))
if took > 0 then
  if redis.call('incrby', KEYS[1], took) == took then redis.call('pexpire', KEYS[1], ARGV[3]) end
else
  took = 0
end
-- A window without an expiry (a key set by hand, a restore) would never reopen: give it one.
if redis.call('pttl', KEYS[1]) == -1 then redis.call('pexpire', KEYS[1], ARGV[3]) end
return {took, redis.call('pttl', KEYS[1])}`;

interface Waiting {
  go: () => void;
  fail: (err: unknown) => void;
}

/**
 * At most `perSecond` mails per second over every worker process: the slots are counted in Redis, and the
 * mails waiting in this process take theirs together, one round trip for all of them. Once Redis has been
 * reached, a slot asked while it is away fails at once (`redis` must not retry commands either): a mail must
 * not wait out an outage and go out after it, when its job, lost with Redis, may have been enqueued again.
 */
export function rateLimited(
  transport: MailTransport,
  redis: Redis,
  key: string,
  perSecond: number,
): MailTransport {
  // A fractional rate (2.5/s) becomes whole slots over a longer window (3 per 1200 ms).
  const slots = Math.ceil(perSecond);
  const windowMs = Math.round((1000 * slots) / perSecond);
  const waiting: Waiting[] = [];
  let busy = false;
  let reached = redis.status === 'ready';
  redis.once('ready', () => {
    reached = true;
  });
  const pump = async () => {
    busy = true;
    try {
      while (waiting.length) {
        if (reached && redis.status !== 'ready') throw new Error('no sending slot: Redis is unavailable');
        const wanted = waiting.length;
        const [took, leftMs] = (await redis.eval(TAKE, 1, key, wanted, slots, windowMs)) as [number, number];
        for (const w of waiting.splice(0, took)) w.go();
        // The window is full: wait for the next. (Mails that came during the call just ask in turn.)
        if (took < wanted) await new Promise((r) => setTimeout(r, Math.max(leftMs, 1)));
      }
    } catch (err) {
      for (const w of waiting.splice(0)) w.fail(err);
    } finally {
      busy = false;
    }
  };
  const slot = () =>
    new Promise<void>((go, fail) => {
      waiting.push({ go, fail });
      if (!busy) void pump();
    });
  return {
    send: async (message, mailKey) => {
      await slot();
      await transport.send(message, mailKey);
    },
    health: () => transport.health(),
    close: () => transport.close(),
  };
}
