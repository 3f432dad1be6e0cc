import type { Knex } from 'knex';

/**
 * The identity of a staff account at the single sign-on provider (OpenID Connect): the issuer and its `sub`,
 * which stays the same when the person's address changes. Null for accounts that never signed in that way;
 * one account per identity.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table users add column oidc_issuer text, add column oidc_subject text');
  await knex.raw(
    'create unique index users_oidc_identity on users (oidc_issuer, oidc_subject) where oidc_subject is not null',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists users_oidc_identity');
  await knex.raw('alter table users drop column if exists oidc_issuer, drop column if exists oidc_subject');
}
