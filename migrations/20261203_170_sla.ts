import type { Knex } from 'knex';

const WEEKDAYS_9_TO_18 = JSON.stringify(Object.fromEntries([1, 2, 3, 4, 5].map((d) => [d, [[540, 1080]]])));

/**
 * SLA targets: calendars (opening hours per ISO weekday in minutes of the local day, a time zone, public
 * holidays of a country/region plus extra closed days, or 24/7) and policies (type × urgency, optionally by
 * category, company or service: minutes to first answer and to resolution, counted on a calendar).
 *
 * A ticket keeps the clocks it was opened with: its policy, both due instants, the instants at which the
 * warning is due (warn_percent of the time elapsed), when it was first answered, and since when its clock is
 * stopped (pending, resolved, closed). `sla_due_at` is the next due instant (first answer while unanswered,
 * then resolution; null while stopped): the queue's "due first" order. sla_notices records each warning or
 * escalation sent, once per ticket and kind, in the transaction of its outbox row.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sla_calendars', (t) => {
    t.bigIncrements('id');
    t.text('name').notNullable().unique();
    t.text('time_zone').notNullable();
    t.boolean('always_open').notNullable().defaultTo(false);
    t.jsonb('hours').notNullable().defaultTo('{}');
    t.text('holiday_country').nullable();
    t.text('holiday_region').nullable();
    t.jsonb('extra_closed_days').notNullable().defaultTo('[]');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('sla_policies', (t) => {
    t.bigIncrements('id');
    t.text('name').notNullable().unique();
    t.text('type').notNullable();
    t.text('urgency').nullable();
    t.text('category').nullable();
    t.bigInteger('company_id').nullable().references('companies.id').onDelete('CASCADE');
    t.bigInteger('service_id').nullable().references('services.id').onDelete('CASCADE');
    t.bigInteger('calendar_id').notNullable().references('sla_calendars.id');
    t.integer('first_answer_minutes').notNullable();
    t.integer('resolution_minutes').notNullable();
    t.integer('warn_percent').notNullable().defaultTo(80);
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['type']);
  });
  await knex.schema.alterTable('tickets', (t) => {
    t.bigInteger('sla_policy_id').nullable().references('sla_policies.id').onDelete('SET NULL');
    t.timestamp('first_answer_due_at', { useTz: true }).nullable();
    t.timestamp('first_answer_warn_at', { useTz: true }).nullable();
    t.timestamp('first_answered_at', { useTz: true }).nullable();
    t.timestamp('resolution_due_at', { useTz: true }).nullable();
    t.timestamp('resolution_warn_at', { useTz: true }).nullable();
    t.timestamp('sla_due_at', { useTz: true }).nullable();
    t.timestamp('sla_paused_at', { useTz: true }).nullable();
    t.integer('sla_paused_minutes').notNullable().defaultTo(0);
  });
  await knex.schema.createTable('sla_notices', (t) => {
    t.bigInteger('ticket_id').notNullable().references('tickets.id').onDelete('CASCADE');
    t.text('kind').notNullable();
    /** False: recorded without a mail (a breach found at the same run made the warning pointless). */
    t.boolean('mailed').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['ticket_id', 'kind']);
  });
  // "Due first" over open tickets, and within a team; tickets with no running clock last.
  await knex.raw(
    "create index tickets_open_sla_due on tickets ((coalesce(sla_due_at, 'infinity'::timestamptz)), id) where status <> 'closed'",
  );
  await knex.raw(
    "create index tickets_team_sla_due on tickets (team_id, (coalesce(sla_due_at, 'infinity'::timestamptz)), id) where status <> 'closed'",
  );
  // The warning job: running clocks whose warning instant has come.
  await knex.raw(
    "create index tickets_sla_first_answer_warn on tickets (first_answer_warn_at) where first_answered_at is null and sla_paused_at is null and status in ('new', 'in_progress')",
  );
  await knex.raw(
    "create index tickets_sla_resolution_warn on tickets (resolution_warn_at) where sla_paused_at is null and status in ('new', 'in_progress')",
  );

  const [business] = await knex('sla_calendars')
    .insert({
      name: 'Horario laboral (Madrid)',
      time_zone: 'Europe/Madrid',
      always_open: false,
      hours: WEEKDAYS_9_TO_18,
      holiday_country: 'ES',
      holiday_region: 'MD',
      extra_closed_days: '[]',
    })
    .returning('id');
  const [always] = await knex('sla_calendars')
    .insert({
      name: '24/7',
      time_zone: 'Europe/Madrid',
      always_open: true,
      hours: '{}',
      extra_closed_days: '[]',
    })
    .returning('id');
  const policy = (
    name: string,
    o: { type: string; urgency?: string; category?: string },
    calendar: { id: number },
    first: number,
    resolution: number,
  ) => ({
    name,
    type: o.type,
    urgency: o.urgency ?? null,
    category: o.category ?? null,
    calendar_id: calendar.id,
    first_answer_minutes: first,
    resolution_minutes: resolution,
  });
  await knex('sla_policies').insert([
    policy('Corte total (24/7)', { type: 'incident', category: 'total_outage' }, always, 60, 480),
    policy('Incidencia urgente', { type: 'incident', urgency: 'high' }, business, 60, 480),
    policy('Incidencia', { type: 'incident' }, business, 240, 1620),
    policy('Solicitud', { type: 'request' }, business, 480, 2700),
  ]);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists tickets_sla_resolution_warn');
  await knex.raw('drop index if exists tickets_sla_first_answer_warn');
  await knex.raw('drop index if exists tickets_team_sla_due');
  await knex.raw('drop index if exists tickets_open_sla_due');
  await knex.schema.dropTableIfExists('sla_notices');
  await knex.schema.alterTable('tickets', (t) => {
    for (const c of [
      'sla_policy_id',
      'first_answer_due_at',
      'first_answer_warn_at',
      'first_answered_at',
      'resolution_due_at',
      'resolution_warn_at',
      'sla_due_at',
      'sla_paused_at',
      'sla_paused_minutes',
    ])
      t.dropColumn(c);
  });
  await knex.schema.dropTableIfExists('sla_policies');
  await knex.schema.dropTableIfExists('sla_calendars');
}
