import type { Knex } from 'knex';

/**
 * The customer's satisfaction with a closed ticket: one answer per ticket (1–5 and an optional comment),
 * changeable for a few days after the first answer (answered_at stays the first answer's time). The index
 * serves the reports' averages by period.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('satisfaction', (t) => {
    t.bigIncrements('id');
    t.bigInteger('ticket_id').notNullable().unique().references('tickets.id').onDelete('CASCADE');
    t.bigInteger('user_id').nullable().references('users.id').onDelete('SET NULL');
    t.smallint('score').notNullable();
    t.text('comment').nullable();
    t.timestamp('answered_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('alter table satisfaction add constraint satisfaction_score check (score between 1 and 5)');
  await knex.raw('create index satisfaction_answered_at on satisfaction (answered_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('satisfaction');
}
