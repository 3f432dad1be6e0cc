import type { Knex } from 'knex';

/**
 * The REST API's bearer tokens and its idempotency keys. A token is stored as the SHA-256 of its random value
 * (shown once at creation); its scopes say which operations it may call; it acts as the admin who created it.
 * An idempotency key remembers, per token, the hash of the request it came with and the answer given, so a
 * client's retry gets that answer instead of a second ticket.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('api_tokens', (t) => {
    t.bigIncrements('id');
    t.text('name').notNullable();
    t.specificType('scopes', 'text[]').notNullable();
    t.text('token_hash').notNullable().unique();
    /** The first characters of the token, to recognise it in the list. */
    t.text('token_prefix').notNullable();
    t.bigInteger('created_by').notNullable().references('users.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_used_at', { useTz: true }).nullable();
    t.timestamp('revoked_at', { useTz: true }).nullable();
  });
  await knex.raw(
    "alter table api_tokens add constraint api_tokens_scopes check (cardinality(scopes) > 0 and scopes <@ array['read', 'tickets:write', 'admin'])",
  );
  await knex.schema.createTable('api_idempotency', (t) => {
    t.bigInteger('token_id').notNullable().references('api_tokens.id').onDelete('CASCADE');
    t.text('key').notNullable();
    t.text('request_hash').notNullable();
    t.integer('status').nullable();
    t.jsonb('body').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['token_id', 'key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('api_idempotency');
  await knex.schema.dropTableIfExists('api_tokens');
}
