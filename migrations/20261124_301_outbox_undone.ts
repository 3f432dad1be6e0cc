import type { Knex } from 'knex';

/** The relay's sweep and health look for rows not done yet; keep that lookup small as the outbox grows. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index outbox_undone on outbox (id) where done_at is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists outbox_undone');
}
