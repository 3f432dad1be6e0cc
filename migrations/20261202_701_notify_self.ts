import type { Knex } from 'knex';

/**
 * Per-user "send me a copy of my own actions" (Personalización), replacing the global NOTIFY_SELF: null means
 * the role's default (on for customers, off for staff), so accounts created later need no value.
 * The index serves the thread of a ticket's mails: the customers' Message-IDs the notifications refer to.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table users add column notify_self boolean');
  await knex.raw(
    'create index inbound_mails_ticket_thread on inbound_mails (ticket_id, id) where message_id is not null',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists inbound_mails_ticket_thread');
  await knex.raw('alter table users drop column if exists notify_self');
}
