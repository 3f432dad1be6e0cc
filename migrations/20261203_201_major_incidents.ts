import type { Knex } from 'knex';

/**
 * Major incidents (a fibre cut, a failed node): texts per language (es required), the affected scope, the
 * estimate, the figures kept once resolved; their updates; and the tickets linked to one. The partial index on
 * tickets serves the incident page and the resolve job, which look up the linked tickets of one incident.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('major_incidents', (t) => {
    t.bigIncrements('id');
    t.jsonb('title').notNullable();
    t.jsonb('description').notNullable();
    t.jsonb('scope').notNullable();
    t.boolean('public').notNullable().defaultTo(true);
    t.text('status').notNullable().defaultTo('open');
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('estimated_end_at', { useTz: true }).nullable();
    t.jsonb('solution').nullable();
    t.bigInteger('declared_by').nullable().references('users.id').onDelete('SET NULL');
    t.bigInteger('resolved_by').nullable().references('users.id').onDelete('SET NULL');
    t.timestamp('resolved_at', { useTz: true }).nullable();
    t.integer('customers_affected').nullable();
    t.integer('services_affected').nullable();
    t.integer('tickets_linked').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(
    "alter table major_incidents add constraint major_incidents_status check (status in ('open', 'resolved'))",
  );
  await knex.raw("create index major_incidents_open on major_incidents (id) where status = 'open'");
  await knex.schema.createTable('incident_updates', (t) => {
    t.bigIncrements('id');
    t.bigInteger('incident_id').notNullable().references('major_incidents.id').onDelete('CASCADE');
    t.bigInteger('author_id').nullable().references('users.id').onDelete('SET NULL');
    t.text('kind').notNullable().defaultTo('update');
    t.boolean('public').notNullable();
    t.jsonb('body').notNullable();
    t.timestamp('estimated_end_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['incident_id', 'id']);
  });
  await knex.schema.alterTable('tickets', (t) => {
    t.bigInteger('major_incident_id').nullable().references('major_incidents.id').onDelete('SET NULL');
  });
  await knex.raw(
    'create index tickets_major_incident on tickets (major_incident_id, id) where major_incident_id is not null',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tickets', (t) => {
    t.dropColumn('major_incident_id');
  });
  await knex.schema.dropTableIfExists('incident_updates');
  await knex.schema.dropTableIfExists('major_incidents');
}
