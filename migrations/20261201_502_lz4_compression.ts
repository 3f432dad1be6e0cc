import type { Knex } from 'knex';

/**
 * Raw inbound mail and attachment bytes are compressed with lz4 instead of the default pglz: about half the
 * Postgres CPU per stored message, and no larger on mail. Applies to values written from now on (no rewrite).
 * A Postgres built without lz4 keeps pglz.
 */
const COLUMNS = [
  ['inbound_mails', 'raw'],
  ['attachments', 'data'],
] as const;

const setCompression = (method: 'lz4' | 'pglz') => `
  do $$ begin
    ${COLUMNS.map(([table, column]) => `alter table ${table} alter column ${column} set compression ${method};`).join('\n    ')}
  exception when feature_not_supported then
    raise notice 'compression method % not available: keeping the default', '${method}';
  end $$`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(setCompression('lz4'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(setCompression('pglz'));
}
