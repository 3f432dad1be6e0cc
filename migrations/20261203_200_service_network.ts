import type { Knex } from 'knex';

/**
 * Where each connection runs in the network: access node, zone, exchange, technology, postcode. Major incidents
 * are scoped on these; the lower() indexes serve the incident's case-insensitive count of affected services.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('services', (t) => {
    t.text('access_node').nullable();
    t.text('zone').nullable();
    t.text('exchange').nullable();
    t.text('technology').nullable();
    t.text('postcode').nullable();
  });
  await knex.raw('create index services_zone on services (lower(zone)) where zone is not null');
  await knex.raw(
    'create index services_access_node on services (lower(access_node)) where access_node is not null',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('services', (t) => {
    t.dropColumn('access_node');
    t.dropColumn('zone');
    t.dropColumn('exchange');
    t.dropColumn('technology');
    t.dropColumn('postcode');
  });
}
