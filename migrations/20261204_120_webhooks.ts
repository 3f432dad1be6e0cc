import type { Knex } from 'knex';

/**
 * Webhooks: endpoints the admins register (the events each wants, a signing secret sealed under SECRET) and
 * one delivery per endpoint and outbox row (unique), fanned out from committed outbox rows only. `webhooks_at`
 * marks an outbox row as fanned out; the rows already there are marked by the column's default (evaluated once,
 * so adding it rewrites nothing), and new rows start unmarked.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhook_endpoints', (t) => {
    t.bigIncrements('id');
    t.text('url').notNullable();
    t.specificType('events', 'text[]').notNullable();
    t.text('secret').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('disabled_at', { useTz: true });
    t.timestamp('failing_since', { useTz: true });
    t.bigInteger('created_by').references('users.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.bigIncrements('id');
    t.bigInteger('endpoint_id').notNullable().references('webhook_endpoints.id').onDelete('CASCADE');
    t.bigInteger('outbox_id').notNullable().references('outbox.id').onDelete('CASCADE');
    t.text('event').notNullable();
    t.text('body').notNullable();
    t.text('status')
      .notNullable()
      .defaultTo('pending')
      .checkIn(['pending', 'delivered', 'failed', 'skipped']);
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('response_code');
    t.integer('duration_ms');
    t.text('error');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('enqueued_at', { useTz: true });
    t.timestamp('attempted_at', { useTz: true });
    t.timestamp('delivered_at', { useTz: true });
    t.unique(['endpoint_id', 'outbox_id']);
  });
  await knex.raw('create index webhook_deliveries_log on webhook_deliveries (endpoint_id, id desc)');
  await knex.raw(
    "create index webhook_deliveries_pending on webhook_deliveries (enqueued_at) where status = 'pending'",
  );
  await knex.raw('alter table outbox add column webhooks_at timestamptz default now()');
  await knex.raw('alter table outbox alter column webhooks_at drop default');
  await knex.raw('create index outbox_webhooks_pending on outbox (id) where webhooks_at is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists outbox_webhooks_pending');
  await knex.raw('alter table outbox drop column if exists webhooks_at');
  await knex.schema.dropTableIfExists('webhook_deliveries');
  await knex.schema.dropTableIfExists('webhook_endpoints');
}
