import type { Knex } from 'knex';

/**
 * What each SLA clock came to, kept on the ticket when it happens: `first_answer_met` when support first answers,
 * `resolution_met` when the ticket is resolved (or closed without a resolution), null while undecided. A clock
 * stopped at that moment (pending, or linked to a major incident) is judged at the instant it stopped, which
 * the due instants alone no longer tell. The reports count compliance from these.
 *
 * Tickets from before the SLA clocks get their first answer from their first public follow-up written by staff,
 * so the reports read one column instead of searching the follow-ups.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tickets', (t) => {
    t.boolean('first_answer_met').nullable();
    t.boolean('resolution_met').nullable();
  });
  await knex.raw(`
    update tickets t set first_answered_at = fa.at
      from (select fu.ticket_id, min(fu.created_at) as at
              from followups fu join users au on au.id = fu.author_id
             where fu.visibility = 'public' and au.role <> 'customer'
             group by fu.ticket_id) fa
     where fa.ticket_id = t.id and t.first_answered_at is null`);
  await knex.raw(`
    update tickets set first_answer_met = first_answered_at <= first_answer_due_at
     where first_answered_at is not null and first_answer_due_at is not null`);
  await knex.raw(`
    update tickets set resolution_met = resolved_at <= resolution_due_at
     where status in ('resolved', 'closed') and resolved_at is not null and resolution_due_at is not null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tickets', (t) => {
    t.dropColumn('resolution_met');
    t.dropColumn('first_answer_met');
  });
}
