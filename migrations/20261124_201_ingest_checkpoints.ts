import type { Knex } from 'knex';

/** Per watched folder and UIDVALIDITY: the highest UID the ingest has recorded (where a fresh watcher starts). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ingest_checkpoints', (t) => {
    t.text('mailbox').notNullable();
    t.bigInteger('uidvalidity').notNullable();
    t.bigInteger('last_uid').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['mailbox', 'uidvalidity']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('ingest_checkpoints');
}
