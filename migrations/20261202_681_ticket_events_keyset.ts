import type { Knex } from 'knex';

/** The ticket pages show a ticket's history a page at a time, newest first, keyed on the event id. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index if not exists ticket_events_ticket_id_id on ticket_events (ticket_id, id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists ticket_events_ticket_id_id');
}
