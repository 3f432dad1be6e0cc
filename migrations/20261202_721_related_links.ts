import type { Knex } from 'knex';

/**
 * A ticket opened from a closed one ("Abrir un ticket relacionado") is linked to it like the other ticket links:
 * a `related` row in ticket_links, shown on both tickets' pages.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    "alter table ticket_links drop constraint ticket_links_kind, add constraint ticket_links_kind check (kind in ('follows', 'merged_into', 'mentions', 'related'))",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("delete from ticket_links where kind = 'related'");
  await knex.raw(
    "alter table ticket_links drop constraint ticket_links_kind, add constraint ticket_links_kind check (kind in ('follows', 'merged_into', 'mentions'))",
  );
}
