import type { Knex } from 'knex';

/**
 * Links between tickets, shown on both tickets' pages: a ticket opened by a reply to a closed one `follows` it;
 * a merged duplicate is `merged_into` the ticket it was merged into; a mail that names another ticket `mentions`
 * it (agents only). One row per pair and kind.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ticket_links', (t) => {
    t.bigIncrements('id');
    t.bigInteger('ticket_id').notNullable().references('tickets.id').onDelete('CASCADE');
    t.bigInteger('other_ticket_id').notNullable().references('tickets.id').onDelete('CASCADE');
    t.text('kind').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['ticket_id', 'other_ticket_id', 'kind']);
    t.index(['other_ticket_id']);
  });
  await knex.raw(
    "alter table ticket_links add constraint ticket_links_kind check (kind in ('follows', 'merged_into', 'mentions')), add constraint ticket_links_other check (ticket_id <> other_ticket_id)",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('ticket_links');
}
