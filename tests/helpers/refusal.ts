import { expect } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { AppError } from '../../src/domain/errors.js';

/** Row counts of the given tables, to compare before and after a call. */
export async function rowCounts(db: Db, tables: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const tbl of tables) out[tbl] = Number((await db(tbl).count({ n: '*' }))[0]?.n);
  return out;
}

/** Asserts that `fn` is refused with an AppError and that none of `tables` gained or lost a row. */
export async function refusedWithoutWriting(
  db: Db,
  tables: readonly string[],
  fn: () => Promise<unknown>,
): Promise<AppError> {
  const before = await rowCounts(db, tables);
  const err = await fn().then(
    () => new Error('expected a refusal'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect(await rowCounts(db, tables)).toEqual(before);
  return err as AppError;
}
