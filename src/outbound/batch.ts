interface Pending<I, O> {
  item: I;
  resolve: (out: O) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: a run starts `lingerMs` after the previous one ended (or after the first call, when idle) and
 * takes every call made meanwhile (up to `max`): under load, many calls share one statement and one round
 * trip, at most one run per `lingerMs` plus the run's own time; alone, a call costs a direct query plus the
 * linger. `run` returns one result per item, in order. When a run of several fails, each of its calls is run
 * again alone: one bad item (or a passing fault) fails only its own call, whose job is retried as after any
 * failed statement, rather than every call of the run (their mails were sent: a retry would send them again).
 */
export function batcher<I, O>(
  run: (items: I[]) => Promise<O[]>,
  { lingerMs, max = 256 }: { lingerMs: number; max?: number },
): (item: I) => Promise<O> {
  const waiting: Pending<I, O>[] = [];
  let busy = false;
  const drain = async () => {
    busy = true;
    while (waiting.length) {
      await new Promise((r) => setTimeout(r, lingerMs));
      const batch = waiting.splice(0, max);
      try {
        const out = await run(batch.map((p) => p.item));
        for (const [i, p] of batch.entries()) p.resolve(out[i] as O);
      } catch (err) {
        if (batch.length === 1) batch[0]?.reject(err);
        else
          for (const p of batch) {
            try {
              const [out] = await run([p.item]);
              p.resolve(out as O);
            } catch (alone) {
              p.reject(alone);
            }
          }
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
