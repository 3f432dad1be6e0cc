/**
 * A few seconds of memory for figures every queue view shows but nobody needs to the second (counters per
 * status, filter lists): one query per process and period instead of one per page view.
 */
const entries = new Map<string, { until: number; value: Promise<unknown> }>();

export function shortCache<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && hit.until > now) return hit.value as Promise<T>;
  const value = load();
  entries.set(key, { until: now + ttlMs, value });
  value.catch(() => entries.delete(key));
  return value;
}
