import type { Knex } from 'knex';

/**
 * Full-text search for the agent queue, accent-insensitive in Spanish, English and French: the 'simple'
 * configuration (no stemming, so no language has to be guessed) over unaccented text. unaccent() is only
 * STABLE (it reads its dictionary), so an IMMUTABLE wrapper naming the dictionary is what indexes can use.
 *
 * Each ticket keeps one search vector (tickets.search) over its title, description, follow-up bodies and its
 * customer's person and company names, kept current by triggers. One indexed column lets the planner weigh a
 * word's frequency (ANALYZE keeps lexeme statistics) and pick, for the queue's "best priority first" page,
 * either the GIN index (rare words) or the queue order with a cheap per-row check (common words).
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

  await knex.raw('alter table tickets add column search tsvector');
  // The whole vector of one ticket, from its current rows.
  await knex.raw(`
    create or replace function izd_ticket_search(p_id bigint, p_title text, p_description text,
                                                 p_requester bigint, p_company bigint) returns tsvector
      language sql stable parallel safe
      as $$
        select izd_tsv(concat_ws(' ', p_title, p_description,
                                 (select name from users where id = p_requester),
                                 (select name from companies where id = p_company)))
               || coalesce((select izd_tsv(string_agg(body, ' ')) from followups where ticket_id = p_id), ''::tsvector)
      $$`);
  await knex.raw(`
    create or replace function izd_tickets_search_trg() returns trigger language plpgsql as $$
    begin
      new.search := izd_ticket_search(new.id, new.title, new.description, new.requester_id, new.company_id);
      return new;
    exception when program_limit_exceeded then
      -- A vector over 1 MB: keep the ticket's own text searchable rather than refuse the change.
      new.search := izd_tsv(left(new.title || ' ' || new.description, 200000));
      return new;
    end $$`);
  await knex.raw(`
    create trigger tickets_search before insert or update of title, description, requester_id, company_id
      on tickets for each row execute function izd_tickets_search_trg()`);
  await knex.raw(`
    create or replace function izd_followups_search_trg() returns trigger language plpgsql as $$
    begin
      update tickets set search = coalesce(search, ''::tsvector) || izd_tsv(new.body) where id = new.ticket_id;
      return null;
    exception when program_limit_exceeded then
      return null; -- never refuse a follow-up because the search vector is full
    end $$`);
  await knex.raw(`
    create trigger followups_search after insert on followups
      for each row execute function izd_followups_search_trg()`);
  // Renamed people and companies: their tickets are found by the new name.
  await knex.raw(`
    create or replace function izd_names_search_trg() returns trigger language plpgsql as $$
    begin
      if tg_table_name = 'users' then
        update tickets set search = izd_ticket_search(id, title, description, requester_id, company_id)
         where requester_id = new.id;
      else
        update tickets set search = izd_ticket_search(id, title, description, requester_id, company_id)
         where company_id = new.id;
      end if;
      return null;
    end $$`);
  await knex.raw(`
    create trigger users_name_search after update of name on users
      for each row when (old.name is distinct from new.name) execute function izd_names_search_trg()`);
  await knex.raw(`
    create trigger companies_name_search after update of name on companies
      for each row when (old.name is distinct from new.name) execute function izd_names_search_trg()`);
  await knex.raw(
    'update tickets set search = izd_ticket_search(id, title, description, requester_id, company_id)',
  );
  await knex.raw('create index tickets_search on tickets using gin (search)');
  await knex.raw('create index users_name_search on users using gin (izd_tsv(name))');
  await knex.raw('create index companies_name_search on companies using gin (izd_tsv(name))');
  // The default queue view: every ticket not closed, by priority then age.
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
    'tickets_search',
  ])
    await knex.raw(`drop index if exists ${i}`);
  await knex.raw('drop trigger if exists companies_name_search on companies');
  await knex.raw('drop trigger if exists users_name_search on users');
  await knex.raw('drop trigger if exists followups_search on followups');
  await knex.raw('drop trigger if exists tickets_search on tickets');
  await knex.raw('drop function if exists izd_names_search_trg()');
  await knex.raw('drop function if exists izd_followups_search_trg()');
  await knex.raw('drop function if exists izd_tickets_search_trg()');
  await knex.raw('drop function if exists izd_ticket_search(bigint, text, text, bigint, bigint)');
  await knex.raw('alter table tickets drop column if exists search');
  await knex.raw('drop function if exists izd_tsq(text)');
  await knex.raw('drop function if exists izd_tsv(text)');
  await knex.raw('drop function if exists izd_unaccent(text)');
}
