import type { Knex } from 'knex';

/**
 * Finer word statistics for the search vector, so the planner tells a rare word (GIN index, then sort a few
 * rows) from a common one (walk the queue order, checking each row): with the default target a word in five
 * tickets looked like one in five thousand, and an all-status search walked the whole table.
 * Two more orders the agent queue walks instead of sorting: "unassigned" (the dispatcher's view) and
 * "all statuses" (searching old tickets: the planner walks by priority and checks the search vector per row).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table tickets alter column search set statistics 1000');
  await knex.raw(
    "create index tickets_open_unassigned on tickets (priority, created_at, id) where status <> 'closed' and assignee_id is null",
  );
  await knex.raw('create index tickets_priority_created on tickets (priority, created_at, id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table tickets alter column search set statistics -1');
  await knex.raw('drop index if exists tickets_priority_created');
  await knex.raw('drop index if exists tickets_open_unassigned');
}
