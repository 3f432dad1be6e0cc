import type { Knex } from 'knex';

/**
 * An outbox row may wait before the relay takes it (`not_before`): the agents' mail about customer follow-ups
 * waits a short window, and later follow-ups of the same ticket join it (one mail for a burst). The index
 * finds the row of a ticket still waiting.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table outbox add column if not exists not_before timestamptz');
  await knex.raw(
    'create index if not exists outbox_waiting_by_ticket on outbox (ticket_id) where enqueued_at is null',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists outbox_waiting_by_ticket');
  await knex.raw('alter table outbox drop column if exists not_before');
}
