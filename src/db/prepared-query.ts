import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Db } from './db.js';

/**
 * Runs one statement as a named prepared statement on a connection of the knex pool: Postgres parses and
 * plans each distinct text once per connection instead of on every request. For the portal's busiest
 * queries (session lookup, ticket list), whose few text shapes are fixed by code; values always go as
 * bindings ($1..$n), never into the text.
 */
export async function preparedQuery<R extends pg.QueryResultRow>(
  db: Db,
  text: string,
  values: readonly unknown[],
): Promise<R[]> {
  const name = `izd_${createHash('sha1').update(text).digest('base64url')}`;
  const conn = (await db.client.acquireConnection()) as pg.ClientBase;
  try {
    const res = await conn.query<R>({ name, text, values: [...values] });
    return res.rows;
  } finally {
    await db.client.releaseConnection(conn);
  }
}
