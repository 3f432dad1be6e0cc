import type { Knex } from 'knex';

/**
 * Rows the relay moves together share a batch, named after its first row: one queue job sends them all. The
 * batch is fixed when assigned, so a row enqueued again (stale, or lost with Redis) goes back to the same job.
 * A row not done yet becomes a batch of its own: the job an earlier version queued for it (`outbox-<id>`,
 * data `{ outboxId }`) is that batch's job, and a row enqueued again goes back to it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table outbox add column batch bigint');
  await knex.raw('update outbox set batch = id where done_at is null');
  await knex.raw('create index outbox_batch_undone on outbox (batch) where done_at is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists outbox_batch_undone');
  await knex.raw('alter table outbox drop column if exists batch');
}
