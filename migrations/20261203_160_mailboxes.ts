import type { Knex } from 'knex';

/**
 * Support addresses besides the environment's (SUPPORT_ADDRESS, IMAP_*), kept by admins: each with its From
 * identity, default team and, when it has an IMAP account of its own, the connection (password sealed with
 * SECRET, src/infra/secret-box.ts). A ticket remembers the mailbox its first mail came to, so that every mail
 * about it goes out from that address.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('mailboxes', (t) => {
    t.bigIncrements('id');
    t.text('address').notNullable();
    t.text('display_name').notNullable();
    t.jsonb('display_names').notNullable().defaultTo('{}').comment('per language: {"es": "...", ...}');
    t.text('imap_host');
    t.integer('imap_port').notNullable().defaultTo(993);
    t.boolean('imap_secure').notNullable().defaultTo(true);
    t.text('imap_user');
    t.text('imap_password').comment('sealed with SECRET (AES-256-GCM), never shown back');
    t.specificType('imap_folders', 'text[]').notNullable().defaultTo(knex.raw("'{INBOX}'::text[]"));
    t.bigInteger('default_team_id').references('teams.id').onDelete('SET NULL');
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('create unique index mailboxes_address on mailboxes (lower(address))');
  await knex.schema.alterTable('tickets', (t) => {
    t.bigInteger('mailbox_id').references('mailboxes.id').onDelete('SET NULL');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tickets', (t) => {
    t.dropColumn('mailbox_id');
  });
  await knex.schema.dropTableIfExists('mailboxes');
}
