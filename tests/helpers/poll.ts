export interface PollOptions {
  /** Give up after this long (generous: several test runs share the machine). */
  timeoutMs?: number;
  everyMs?: number;
  /** Describes the state when giving up ("1 of 4 mails captured"), beside the last value seen. */
  now?: () => string | Promise<string>;
}

/**
 * The one way tests wait for something asynchronous: calls `check` until it returns a truthy value and
 * returns that value, or fails after `timeoutMs` naming `what` it waited for. An error thrown by `check`
 * fails at once. Never a fixed sleep.
 */
export async function waitUntil<T>(
  what: string,
  check: () => T | Promise<T>,
  { timeoutMs = 20_000, everyMs = 100, now }: PollOptions = {},
): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<T, false | null | undefined | 0 | ''>;
    if (Date.now() > end) {
      const state = now ? `; now: ${await now()}` : '';
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(value)}${state})`,
      );
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
