import type { Knex } from 'knex';

/**
 * The queue filtered by team walks this index in queue order (priority, age) within the team, so a small team's
 * page costs what a big team's does instead of skipping the other teams' open tickets row by row. Its leading
 * team_id also serves "no team" (team_id is null) and, through a bitmap OR, "my teams and no team".
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    "create index if not exists tickets_team_open_queue on tickets (team_id, priority, created_at, id) where status <> 'closed'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists tickets_team_open_queue');
}
