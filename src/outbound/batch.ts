interface Pending<I, O> {
  item: I;
  resolve: (out: O) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: the first call runs after `lingerMs` (at once by default); calls made meanwhile and while a run
 * is in flight go together in the next run (up to `max`). Under load, concurrent jobs share one statement and
 * one round trip; alone, a call costs what a direct query costs (plus the linger). `run` returns one result per
 * item, in order; a failed run rejects every call of that run, and their jobs are retried as after any failed
 * statement.
 */
export function batcher<I, O>(
  run: (items: I[]) => Promise<O[]>,
  { max = 256, lingerMs = 0 }: { max?: number; lingerMs?: number } = {},
): (item: I) => Promise<O> {
  const waiting: Pending<I, O>[] = [];
  let busy = false;
  const drain = async () => {
    busy = true;
    if (lingerMs > 0) await new Promise((r) => setTimeout(r, lingerMs));
    while (waiting.length) {
      const batch = waiting.splice(0, max);
      try {
        const out = await run(batch.map((p) => p.item));
        for (const [i, p] of batch.entries()) p.resolve(out[i] as O);
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    busy = false;
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!busy) void drain();
    });
}
