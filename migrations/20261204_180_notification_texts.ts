import type { Knex } from 'knex';

/**
 * The admins' wording of the notification mails: one row per mail (template), language and text key that
 * differs from the default of src/i18n; the layouts stay in templates/*.mjml. Every change also bumps the one
 * row of notification_texts_version in its transaction: each process compares that number (at most once a
 * second) to the one it cached, and reloads the texts when it moved.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notification_texts', (t) => {
    t.text('template').notNullable();
    t.text('language').notNullable();
    t.text('key').notNullable();
    t.text('value').notNullable();
    t.bigInteger('updated_by').nullable().references('users.id').onDelete('SET NULL');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['template', 'language', 'key']);
  });
  await knex.schema.createTable('notification_texts_version', (t) => {
    t.smallint('id').primary().defaultTo(1);
    t.integer('version').notNullable().defaultTo(0);
  });
  await knex.raw('alter table notification_texts_version add constraint one_row check (id = 1)');
  await knex('notification_texts_version').insert({ id: 1, version: 0 });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('notification_texts_version');
  await knex.schema.dropTableIfExists('notification_texts');
}
