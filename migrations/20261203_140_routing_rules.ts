import type { Knex } from 'knex';

/**
 * Routing rules, ordered by position and edited by admins: conditions and actions as JSON, checked by the
 * domain's schema (src/domain/routing.ts) when written and when read. The first active rule that matches a new
 * ticket routes it.
 * Round-robin among a team's agents gives the next ticket to the member routed to least recently: each routing
 * stamps the member with the next value of one sequence (strictly increasing, even within one transaction,
 * which now() is not).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('routing_rules', (t) => {
    t.bigIncrements('id');
    t.integer('position').notNullable();
    t.text('name').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.jsonb('conditions').notNullable().defaultTo('{}');
    t.jsonb('actions').notNullable().defaultTo('{}');
    t.bigInteger('updated_by').nullable().references('users.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['position', 'id']);
  });
  await knex.raw('create sequence team_round_robin');
  await knex.schema.alterTable('team_members', (t) => {
    t.bigInteger('last_routed').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('team_members', (t) => {
    t.dropColumn('last_routed');
  });
  await knex.raw('drop sequence if exists team_round_robin');
  await knex.schema.dropTableIfExists('routing_rules');
}
