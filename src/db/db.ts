import knex, { type Knex } from 'knex';
import pg from 'pg';
import './tables.js';

export type Db = Knex;
export type Tx = Knex.Transaction;

// bigint ids fit in JS numbers for this product's scale; keep them as numbers, and counts too.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function createDb(url: string, poolMax = 10): Db {
  // pool.min 0: idle connections die on a Postgres restart (knex #3523).
  // Connection failures surface as rejected queries, handled by callers; knex's own console lines would repeat them.
  const quiet = () => {};
  return knex({
    client: 'pg',
    connection: url,
    pool: { min: 0, max: poolMax },
    log: { warn: quiet, error: quiet, deprecate: quiet, debug: quiet },
  });
}

// Imported when migrating only: every process opens a database, few of them migrate.
const migrations = async () => (await import('../../migrations/index.js')).MIGRATIONS;

const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(await migrations()).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const m = (await migrations())[name];
    if (!m) throw new Error(`unknown migration ${name}`);
    return m;
  },
};

/** Runs pending migrations; safe to run twice or from two processes at once (knex takes a lock). */
export async function migrate(db: Db): Promise<string[]> {
  const [, done] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  return done;
}
