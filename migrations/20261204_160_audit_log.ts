import type { Knex } from 'knex';

/**
 * The admin audit log: who changed accounts, routing, teams, mailboxes, SLA policies, shared canned answers, and
 * who exported or erased a customer's personal data. The actor's name is a snapshot (the log reads the same
 * after a rename); the target is a type and an id, never a person's name or address, so that erasing a customer
 * leaves nothing of them here but an id. Paged newest first by id; filtered by actor, action and period.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.bigInteger('actor_id').nullable().references('users.id').onDelete('SET NULL');
    t.text('actor_name').nullable();
    t.text('action').notNullable();
    t.text('target_type').nullable();
    t.text('target_id').nullable();
    t.jsonb('details').notNullable().defaultTo('{}');
    t.text('client_address').nullable();
  });
  await knex.raw('create index audit_log_at on audit_log (at)');
  await knex.raw('create index audit_log_actor on audit_log (actor_id, id desc)');
  await knex.raw('create index audit_log_action on audit_log (action, id desc)');
  await knex.raw('create index audit_log_target on audit_log (target_type, target_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('audit_log');
}
