import type { Knex } from 'knex';

/** The reports read tickets by the day they were opened and closed: a range of either date is one index scan. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index if not exists tickets_created_at on tickets (created_at)');
  await knex.raw(
    'create index if not exists tickets_closed_at on tickets (closed_at) where closed_at is not null',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists tickets_closed_at');
  await knex.raw('drop index if exists tickets_created_at');
}
