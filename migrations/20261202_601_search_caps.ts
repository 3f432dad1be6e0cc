import type { Knex } from 'knex';

/**
 * A tsvector holds at most 1 MB: two follow-ups of ~900 KB made every later rename of their customer or company
 * fail (`string is too long for tsvector`, program_limit_exceeded), since the rename trigger rebuilt the vector
 * with no handler. What is indexed is now capped: the first 64 KB of each follow-up, and of the whole at most
 * 300 KB of text (a vector stays well under 1 MB however the words fall). Every search trigger also handles
 * program_limit_exceeded, keeping the ticket's own text searchable rather than refusing the change.
 */
const TICKET_SEARCH = `
  create or replace function izd_ticket_search(p_id bigint, p_title text, p_description text,
                                               p_requester bigint, p_company bigint) returns tsvector
    language sql stable parallel safe
    as $$
      select izd_tsv(left(concat_ws(' ', p_title, p_description,
                                    (select name from users where id = p_requester),
                                    (select name from companies where id = p_company)), 100000))
             || coalesce((select izd_tsv(left(string_agg(left(body, 65536), ' ' order by id), 200000))
                            from followups where ticket_id = p_id), ''::tsvector)
    $$`;

const FOLLOWUPS_TRIGGER = `
  create or replace function izd_followups_search_trg() returns trigger language plpgsql as $$
  begin
    update tickets set search = coalesce(search, ''::tsvector) || izd_tsv(left(new.body, 65536))
     where id = new.ticket_id;
    return null;
  exception when program_limit_exceeded then
    return null; -- never refuse a follow-up because the search vector is full
  end $$`;

// One statement for all of the person's or company's tickets; one by one only if a vector overflows.
const NAMES_TRIGGER = `
  create or replace function izd_names_search_trg() returns trigger language plpgsql as $$
  declare
    t record;
  begin
    begin
      if tg_table_name = 'users' then
        update tickets set search = izd_ticket_search(id, title, description, requester_id, company_id)
         where requester_id = new.id;
      else
        update tickets set search = izd_ticket_search(id, title, description, requester_id, company_id)
         where company_id = new.id;
      end if;
    exception when program_limit_exceeded then
      for t in select id from tickets
                where (tg_table_name = 'users' and requester_id = new.id)
                   or (tg_table_name = 'companies' and company_id = new.id) loop
        begin
          update tickets set search = izd_ticket_search(id, title, description, requester_id, company_id)
           where id = t.id;
        exception when program_limit_exceeded then
          update tickets set search = izd_tsv(left(title || ' ' || description, 100000)) where id = t.id;
        end;
      end loop;
    end;
    return null;
  end $$`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(TICKET_SEARCH);
  await knex.raw(FOLLOWUPS_TRIGGER);
  await knex.raw(NAMES_TRIGGER);
  await knex.raw(`
    create or replace function izd_tickets_search_trg() returns trigger language plpgsql as $$
    begin
      new.search := izd_ticket_search(new.id, new.title, new.description, new.requester_id, new.company_id);
      return new;
    exception when program_limit_exceeded then
      new.search := izd_tsv(left(new.title || ' ' || new.description, 100000));
      return new;
    end $$`);
}

export async function down(knex: Knex): Promise<void> {
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
    create or replace function izd_followups_search_trg() returns trigger language plpgsql as $$
    begin
      update tickets set search = coalesce(search, ''::tsvector) || izd_tsv(new.body) where id = new.ticket_id;
      return null;
    exception when program_limit_exceeded then
      return null;
    end $$`);
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
    create or replace function izd_tickets_search_trg() returns trigger language plpgsql as $$
    begin
      new.search := izd_ticket_search(new.id, new.title, new.description, new.requester_id, new.company_id);
      return new;
    exception when program_limit_exceeded then
      new.search := izd_tsv(left(new.title || ' ' || new.description, 200000));
      return new;
    end $$`);
}
