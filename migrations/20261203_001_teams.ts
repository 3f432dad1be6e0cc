import type { Knex } from 'knex';

/**
 * Teams of agents (e.g. Técnico, Facturación): an agent belongs to one or more, a lead is the one escalations go
 * to. A ticket belongs to at most one team and, optionally, one agent. Routing, SLA and mailboxes build on these.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('teams', (t) => {
    t.bigIncrements('id');
    t.text('name').notNullable().unique();
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('team_members', (t) => {
    t.bigInteger('team_id').notNullable().references('teams.id').onDelete('CASCADE');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.boolean('is_lead').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['team_id', 'user_id']);
    t.index(['user_id']);
  });
  await knex.schema.alterTable('tickets', (t) => {
    t.bigInteger('team_id').nullable().references('teams.id').onDelete('SET NULL');
  });
  await knex.raw('create index tickets_team_status on tickets (team_id, status) where team_id is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tickets', (t) => {
    t.dropColumn('team_id');
  });
  await knex.schema.dropTableIfExists('team_members');
  await knex.schema.dropTableIfExists('teams');
}
