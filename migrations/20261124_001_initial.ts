import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('companies', (t) => {
    t.bigIncrements('id');
    t.text('name').notNullable();
    t.text('code').unique();
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamps(true, true);
  });

  await knex.schema.createTable('services', (t) => {
    t.bigIncrements('id');
    t.bigInteger('company_id').notNullable().references('companies.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('circuit_id').comment('circuit or line id of the connection');
    t.text('address');
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamps(true, true);
    t.index(['company_id']);
  });

  await knex.schema.createTable('users', (t) => {
    t.bigIncrements('id');
    t.bigInteger('company_id').references('companies.id');
    t.text('email').notNullable();
    t.text('name').notNullable();
    t.text('phone');
    t.text('role').notNullable().checkIn(['customer', 'agent', 'admin']);
    t.boolean('is_company_manager').notNullable().defaultTo(false);
    t.text('password_hash');
    t.boolean('must_change_password').notNullable().defaultTo(true);
    t.text('language').notNullable().defaultTo('es');
    t.text('time_zone').notNullable().defaultTo('Europe/Madrid');
    t.integer('page_size').notNullable().defaultTo(20);
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('email_verified_at', { useTz: true });
    t.timestamp('last_login_at', { useTz: true });
    t.timestamp('bounced_at', { useTz: true });
    t.text('bounce_reason');
    t.timestamps(true, true);
    t.index(['company_id']);
  });
  await knex.raw('create unique index users_email_unique on users (lower(email))');

  await knex.schema.createTable('tickets', (t) => {
    t.bigIncrements('id');
    t.text('type').notNullable();
    t.text('category').notNullable();
    t.bigInteger('service_id').references('services.id');
    t.text('urgency');
    t.text('impact').notNullable().defaultTo('medium');
    t.smallint('priority').notNullable().defaultTo(3);
    t.text('title').notNullable();
    t.text('description').notNullable();
    t.text('status').notNullable().defaultTo('new');
    t.bigInteger('requester_id').notNullable().references('users.id');
    t.bigInteger('company_id').references('companies.id');
    t.bigInteger('assignee_id').references('users.id');
    t.text('source').notNullable().defaultTo('web').checkIn(['web', 'email']);
    t.text('solution');
    t.timestamps(true, true);
    t.timestamp('resolved_at', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
  });
  // A customer's tickets by status and date; a company's; the agent queue by status and age.
  await knex.raw(
    'create index tickets_requester_status_updated on tickets (requester_id, status, updated_at desc, id desc)',
  );
  await knex.raw(
    'create index tickets_requester_updated on tickets (requester_id, updated_at desc, id desc)',
  );
  await knex.raw('create index tickets_company_updated on tickets (company_id, updated_at desc, id desc)');
  await knex.raw(
    'create index tickets_status_priority_created on tickets (status, priority, created_at, id)',
  );
  await knex.raw('create index tickets_assignee_status on tickets (assignee_id, status)');
  await knex.raw("create index tickets_resolved_at on tickets (resolved_at) where status = 'resolved'");

  await knex.schema.createTable('followups', (t) => {
    t.bigIncrements('id');
    t.bigInteger('ticket_id').notNullable().references('tickets.id').onDelete('CASCADE');
    t.bigInteger('author_id').references('users.id');
    t.text('kind').notNullable().defaultTo('comment');
    t.text('visibility').notNullable().defaultTo('public').checkIn(['public', 'private']);
    t.text('body').notNullable();
    t.text('body_html');
    t.text('source').notNullable().defaultTo('web').checkIn(['web', 'email', 'system']);
    t.bigInteger('inbound_mail_id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['ticket_id', 'created_at']);
  });

  await knex.schema.createTable('attachments', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.bigInteger('ticket_id').notNullable().references('tickets.id').onDelete('CASCADE');
    t.bigInteger('followup_id').references('followups.id').onDelete('CASCADE');
    t.bigInteger('uploaded_by').references('users.id');
    t.text('filename').notNullable();
    t.text('content_type').notNullable();
    t.integer('size').notNullable();
    t.text('sha256').notNullable();
    t.binary('data').comment('bytes, unless stored on disk under storage_key');
    t.text('storage_key');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['ticket_id']);
  });

  await knex.schema.createTable('ticket_events', (t) => {
    t.bigIncrements('id');
    t.bigInteger('ticket_id').notNullable().references('tickets.id').onDelete('CASCADE');
    t.bigInteger('actor_id').references('users.id');
    t.text('kind').notNullable();
    t.text('from_status');
    t.text('to_status');
    t.bigInteger('followup_id').references('followups.id');
    t.jsonb('data').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['ticket_id', 'created_at']);
  });

  await knex.schema.createTable('inbound_mails', (t) => {
    t.bigIncrements('id');
    t.text('mailbox').notNullable();
    t.bigInteger('uidvalidity');
    t.bigInteger('uid');
    t.text('message_id');
    t.text('from_address');
    t.text('subject');
    t.text('outcome').notNullable();
    t.text('reason');
    t.bigInteger('ticket_id').references('tickets.id');
    t.bigInteger('followup_id').references('followups.id');
    t.text('quarantine_state').comment('held | released | discarded, for held mail');
    t.integer('size');
    t.binary('raw');
    t.jsonb('details').notNullable().defaultTo('{}');
    t.timestamp('received_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['mailbox', 'uidvalidity', 'uid']);
  });
  await knex.raw(
    'create unique index inbound_mails_message_id on inbound_mails (message_id) where message_id is not null',
  );
  await knex.raw(
    "create index inbound_mails_quarantine on inbound_mails (created_at desc) where quarantine_state = 'held'",
  );
  await knex.raw('create index inbound_mails_sender_time on inbound_mails (lower(from_address), created_at)');

  await knex.schema.createTable('outbox', (t) => {
    t.bigIncrements('id');
    t.text('event').notNullable();
    t.bigInteger('ticket_id').references('tickets.id').onDelete('CASCADE');
    t.bigInteger('actor_id').references('users.id');
    t.jsonb('payload').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('enqueued_at', { useTz: true });
    t.timestamp('done_at', { useTz: true });
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error');
  });
  await knex.raw('create index outbox_pending on outbox (id) where enqueued_at is null');

  await knex.schema.createTable('deliveries', (t) => {
    t.bigIncrements('id');
    t.bigInteger('outbox_id').references('outbox.id').onDelete('CASCADE');
    t.bigInteger('ticket_id').references('tickets.id').onDelete('CASCADE');
    t.bigInteger('user_id').references('users.id');
    t.text('recipient').notNullable();
    t.text('event').notNullable();
    t.text('message_id').notNullable();
    t.text('status').notNullable().checkIn(['sending', 'sent', 'failed', 'bounced']);
    t.text('error');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
    t.unique(['outbox_id', 'recipient']);
    t.index(['ticket_id']);
  });
  await knex.raw('create index deliveries_message_id on deliveries (message_id)');

  await knex.schema.createTable('sessions', (t) => {
    t.text('id').primary();
    t.bigInteger('user_id').references('users.id').onDelete('CASCADE');
    t.jsonb('data').notNullable().defaultTo('{}');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['expires_at']);
  });

  await knex.schema.createTable('auth_tokens', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('purpose').notNullable();
    t.text('token_hash').notNullable().unique();
    t.jsonb('data').notNullable().defaultTo('{}');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'auth_tokens',
    'sessions',
    'deliveries',
    'outbox',
    'inbound_mails',
    'ticket_events',
    'attachments',
    'followups',
    'tickets',
    'users',
    'services',
    'companies',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
