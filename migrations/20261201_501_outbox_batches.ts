import type { Knex } from 'knex';

/**
 * Rows the relay moves together share a batch, named after its first row: one queue job sends them all. The
 * batch is fixed when assigned, so a row enqueued again (stale, or lost with Redis) goes back to the same job.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table outbox add column batch bigint');
  await knex.raw('create index outbox_batch_undone on outbox (batch) where done_at is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists outbox_batch_undone');
  await knex.raw('alter table outbox drop column if exists batch');
}
