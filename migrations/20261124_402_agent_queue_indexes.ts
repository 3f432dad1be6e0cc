import type { Knex } from 'knex';

/**
 * Two more orders the agent queue walks instead of sorting: "unassigned" (the dispatcher's view) and
 * "all statuses" (searching old tickets: the planner walks by priority and checks the search vector per row).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    "create index tickets_open_unassigned on tickets (priority, created_at, id) where status <> 'closed' and assignee_id is null",
  );
  await knex.raw('create index tickets_priority_created on tickets (priority, created_at, id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists tickets_priority_created');
  await knex.raw('drop index if exists tickets_open_unassigned');
}
