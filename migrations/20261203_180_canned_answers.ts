import type { Knex } from 'knex';

/**
 * Canned answers: a text with placeholders an agent inserts on a ticket (web) or names in a mail
 * (`#respuesta nombre`), with an optional action. Shared ones (owner null) are the admins'; an agent keeps
 * personal ones. A name is unique per language within its scope (shared, or one agent's own).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('canned_answers', (t) => {
    t.bigIncrements('id');
    t.text('name').notNullable();
    t.text('language').notNullable();
    t.text('title').notNullable();
    t.text('body').notNullable();
    t.text('action').notNullable().defaultTo('none');
    t.bigInteger('owner_id').nullable().references('users.id').onDelete('CASCADE');
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(
    "alter table canned_answers add constraint canned_answers_action check (action in ('none', 'pending', 'resolve'))",
  );
  await knex.raw(
    'create unique index canned_answers_name on canned_answers (lower(name), language, coalesce(owner_id, 0))',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('canned_answers');
}
