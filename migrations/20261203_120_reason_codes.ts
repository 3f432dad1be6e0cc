import type { Knex } from 'knex';

/**
 * The reason of a message that broke the ingest was stored as "internal error: …" while its code is
 * internal_error: every reason now starts with its code (src/domain/mail-reasons.ts), old records too.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    "update inbound_mails set reason = 'internal_error:' || substr(reason, 16) where reason like 'internal error:%'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    "update inbound_mails set reason = 'internal error:' || substr(reason, 16) where reason like 'internal\\_error:%'",
  );
}
