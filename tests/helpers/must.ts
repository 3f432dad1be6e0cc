/**
 * The row a query found; fails, naming what was looked for, when there is none. Its own module (no vitest
 * import) so that the benchmarks, which run outside vitest, can use it too.
 */
export function must<T>(row: T, what = 'row'): Exclude<T, undefined> {
  if (row === undefined) throw new Error(`expected a ${what}, found none`);
  return row as Exclude<T, undefined>;
}
