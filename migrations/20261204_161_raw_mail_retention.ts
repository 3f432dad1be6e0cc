import type { Knex } from 'knex';

/** The retention job (RAW_MAIL_RETENTION_DAYS) looks for the oldest records that still keep their raw bytes. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    'create index inbound_mails_raw_kept on inbound_mails (created_at, id) where raw is not null',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists inbound_mails_raw_kept');
}
