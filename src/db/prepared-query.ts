import pg from 'pg';
import type { Logger } from '../infra/logger.js';

/**
 * A small pg pool of its own for the busiest statements (the portal's session lookup and ticket list, the
 * outbound delivery confirmation): knex's pool (tarn) costs about as much Node CPU per checkout as one of
 * these short statements does itself. Transactions and everything else stay on knex.
 */
export type StatementPool = pg.Pool;

export function createStatementPool(url: string, logger: Logger, max = 6): StatementPool {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 30_000 });
  // An idle connection that dies (Postgres restarted) is reported here, not thrown: the next query reconnects.
  pool.on('error', (err) =>
    logger.warn({ err: err.message }, 'postgres statement pool: idle connection lost'),
  );
  return pool;
}

const names = new Map<string, string>();

/**
 * Runs one statement as a named prepared statement: Postgres parses and plans each distinct text once per
 * connection instead of on every request. For queries whose few text shapes are fixed by code; values always
 * go as bindings ($1..$n), never into the text.
 */
export async function preparedQuery<R extends pg.QueryResultRow>(
  pool: StatementPool,
  text: string,
  values: readonly unknown[],
): Promise<R[]> {
  let name = names.get(text);
  if (name === undefined) {
    name = `izd_${names.size}`;
    names.set(text, name);
  }
  const res = await pool.query<R>({ name, text, values: [...values] });
  return res.rows;
}
