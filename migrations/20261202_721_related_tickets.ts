import type { Knex } from 'knex';

/**
 * A ticket opened from a closed one ("Abrir un ticket relacionado") names it. Both pages show the link: the new
 * ticket by this column, the old one by the index (few tickets have one, hence partial).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table tickets add column related_ticket_id bigint references tickets (id)');
  await knex.raw(
    'create index tickets_related_ticket on tickets (related_ticket_id) where related_ticket_id is not null',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists tickets_related_ticket');
  await knex.raw('alter table tickets drop column if exists related_ticket_id');
}
