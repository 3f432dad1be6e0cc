import type { Knex } from 'knex';

/**
 * Full-text search for the agent queue, accent-insensitive in Spanish, English and French: the 'simple'
 * configuration (no stemming, so no language has to be guessed) over unaccented text. unaccent() is only
 * STABLE (it reads its dictionary), so an IMMUTABLE wrapper naming the dictionary is what indexes can use.
 * Also the partial index behind the default queue view (every ticket not closed, by priority then age).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists unaccent');
  await knex.raw(`
    create or replace function izd_unaccent(text) returns text
      language sql immutable parallel safe strict
      as $$ select public.unaccent('public.unaccent'::regdictionary, $1) $$`);
  await knex.raw(`
    create or replace function izd_tsv(text) returns tsvector
      language sql immutable parallel safe
      as $$ select to_tsvector('simple'::regconfig, izd_unaccent(coalesce($1, ''))) $$`);
  await knex.raw(`
    create or replace function izd_tsq(text) returns tsquery
      language sql immutable parallel safe
      as $$ select websearch_to_tsquery('simple'::regconfig, izd_unaccent(coalesce($1, ''))) $$`);
  await knex.raw("create index tickets_search on tickets using gin (izd_tsv(title || ' ' || description))");
  await knex.raw('create index followups_search on followups using gin (izd_tsv(body))');
  await knex.raw('create index users_name_search on users using gin (izd_tsv(name))');
  await knex.raw('create index companies_name_search on companies using gin (izd_tsv(name))');
  await knex.raw(
    "create index tickets_open_queue on tickets (priority, created_at, id) where status <> 'closed'",
  );
  await knex.raw('create index tickets_company_status on tickets (company_id, status)');
  await knex.raw('create index tickets_service on tickets (service_id) where service_id is not null');
}

export async function down(knex: Knex): Promise<void> {
  for (const i of [
    'tickets_service',
    'tickets_company_status',
    'tickets_open_queue',
    'companies_name_search',
    'users_name_search',
    'followups_search',
    'tickets_search',
  ])
    await knex.raw(`drop index if exists ${i}`);
  await knex.raw('drop function if exists izd_tsq(text)');
  await knex.raw('drop function if exists izd_tsv(text)');
  await knex.raw('drop function if exists izd_unaccent(text)');
}
