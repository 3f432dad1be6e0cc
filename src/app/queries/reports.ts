import type { Knex } from 'knex';
import type { Db } from '../../db/db.js';
import { OPEN_STATUSES, type TicketStatus } from '../../domain/ticket-status.js';
import { addDays, dayOf } from '../../domain/zoned-time.js';
import { satisfactionFigures } from './satisfaction.js';

/** What a report covers: tickets opened in [from, to), counted in days of `timeZone`, optionally narrowed. */
export interface ReportFilter {
  from: Date;
  to: Date;
  timeZone: string;
  teamId?: number;
  companyId?: number;
  serviceId?: number;
}

export interface DailyRow {
  /** The day, YYYY-MM-DD in the report's time zone. */
  day: string;
  opened: number;
  closed: number;
}

export interface BacklogRow {
  status: TicketStatus;
  teamId: number | null;
  teamName: string | null;
  count: number;
}

/** Median and 90th percentile in minutes, null when no ticket of the group got there. */
export interface Durations {
  median: number | null;
  p90: number | null;
  count: number;
}

/** How many SLA clocks of a kind were met and breached; percent: met of those decided (null: none). */
export interface Compliance {
  met: number;
  breached: number;
  percent: number | null;
}

export interface TimesRow {
  /** The value of the grouping column: a category, an urgency, or a team id (as text). */
  key: string | null;
  label: string | null;
  tickets: number;
  firstAnswer: Durations;
  resolution: Durations;
  sla: { firstAnswer: Compliance; resolution: Compliance };
}

/** Satisfaction survey answers given in the period: count and mean score (null: none). */
export interface TeamSatisfaction {
  teamId: number | null;
  teamName: string | null;
  count: number;
  average: number | null;
}

export interface Report {
  daily: DailyRow[];
  backlog: BacklogRow[];
  byCategory: TimesRow[];
  byUrgency: TimesRow[];
  byTeam: TimesRow[];
  totals: {
    opened: number;
    closed: number;
    firstAnswer: Durations;
    resolution: Durations;
    sla: TimesRow['sla'];
    satisfaction: { count: number; average: number | null };
  };
  /** Per team of the answered tickets. */
  satisfaction: TeamSatisfaction[];
}

/** The optional narrowing, on tickets aliased `t`. */
function narrowed<Q extends Knex.QueryBuilder>(q: Q, f: ReportFilter): Q {
  if (f.teamId) q.where('t.team_id', f.teamId);
  if (f.companyId) q.where('t.company_id', f.companyId);
  if (f.serviceId) q.where('t.service_id', f.serviceId);
  return q;
}

/** Every day of the period, in the report's time zone (the last day is the one before `to`). */
export function periodDays(f: ReportFilter): string[] {
  const last = dayOf(new Date(f.to.getTime() - 1), f.timeZone);
  const days: string[] = [];
  for (let d = dayOf(f.from, f.timeZone); d <= last && days.length <= 400; d = addDays(d, 1)) days.push(d);
  return days;
}

async function daily(db: Db, f: ReportFilter): Promise<DailyRow[]> {
  const perDay = (column: 'created_at' | 'closed_at') =>
    narrowed(
      db('tickets as t')
        .select<{ day: string; n: number }[]>(
          db.raw(`to_char(t.${column} at time zone ?, 'YYYY-MM-DD') as day`, [f.timeZone]),
          db.raw('count(*)::int as n'),
        )
        .where(`t.${column}`, '>=', f.from)
        .where(`t.${column}`, '<', f.to)
        .groupBy('day'),
      f,
    );
  const [opened, closed] = await Promise.all([perDay('created_at'), perDay('closed_at')]);
  const o = new Map(opened.map((r) => [r.day, r.n]));
  const c = new Map(closed.map((r) => [r.day, r.n]));
  return periodDays(f).map((day) => ({ day, opened: o.get(day) ?? 0, closed: c.get(day) ?? 0 }));
}

async function backlog(db: Db, f: ReportFilter): Promise<BacklogRow[]> {
  const rows = await narrowed(
    db('tickets as t')
      .leftJoin('teams as tm', 'tm.id', 't.team_id')
      .whereIn('t.status', [...OPEN_STATUSES])
      .select<{ status: TicketStatus; team_id: number | null; name: string | null; n: number }[]>(
        't.status',
        't.team_id',
        'tm.name',
        db.raw('count(*)::int as n'),
      )
      .groupBy('t.status', 't.team_id', 'tm.name')
      .orderBy([{ column: 't.status' }, { column: 'tm.name' }]),
    f,
  );
  return rows.map((r) => ({ status: r.status, teamId: r.team_id, teamName: r.name, count: r.n }));
}

export interface TimesSqlRow {
  set: number;
  key: string | null;
  team_name: string | null;
  tickets: string;
  fa_median: number | null;
  fa_p90: number | null;
  fa_n: string;
  res_median: number | null;
  res_p90: number | null;
  res_n: string;
  fa_met: string;
  fa_breached: string;
  res_met: string;
  res_breached: string;
}

/**
 * A clock is breached when its goal came late (kept as `*_met` when it came), or when it is still undecided and
 * ran out before now or before it stopped (a stopped clock cannot run late).
 */
const breachedCount = (met: string, due: string) =>
  `count(*) filter (where t.${met} = false or (t.${met} is null and t.${due} < coalesce(t.sla_paused_at, now())))`;

/**
 * First-answer and resolution times of the period's tickets, in wall-clock minutes, and their SLA clocks met
 * and breached, per category, urgency, team and overall in one scan of the tickets (grouping sets). The first
 * answer is the first public follow-up written by staff (`first_answered_at`); the resolution is the ticket's
 * latest resolution.
 */
export function timesQuery(db: Db, f: ReportFilter) {
  // date_part is double precision: several times faster here than extract(), which is numeric.
  const minutes = (a: string, b: string) => `date_part('epoch', ${a} - ${b}) / 60`;
  const base = narrowed(
    db('tickets as t')
      .leftJoin('teams as tm', 'tm.id', 't.team_id')
      .where('t.created_at', '>=', f.from)
      .where('t.created_at', '<', f.to),
    f,
  );
  const answered = minutes('t.first_answered_at', 't.created_at');
  return base
    .select<TimesSqlRow[]>(
      db.raw('grouping(t.category, t.urgency, t.team_id, tm.name)::int as set'),
      db.raw(`coalesce(t.category, t.urgency, t.team_id::text) as key`),
      'tm.name as team_name',
      db.raw('count(*) as tickets'),
      db.raw(`percentile_cont(0.5) within group (order by ${answered}) as fa_median`),
      db.raw(`percentile_cont(0.9) within group (order by ${answered}) as fa_p90`),
      db.raw('count(t.first_answered_at) as fa_n'),
      db.raw('count(*) filter (where t.first_answer_met) as fa_met'),
      db.raw(`${breachedCount('first_answer_met', 'first_answer_due_at')} as fa_breached`),
      db.raw('count(*) filter (where t.resolution_met) as res_met'),
      db.raw(`${breachedCount('resolution_met', 'resolution_due_at')} as res_breached`),
      db.raw(
        `percentile_cont(0.5) within group (order by ${minutes('t.resolved_at', 't.created_at')}) as res_median`,
      ),
      db.raw(
        `percentile_cont(0.9) within group (order by ${minutes('t.resolved_at', 't.created_at')}) as res_p90`,
      ),
      db.raw('count(t.resolved_at) as res_n'),
    )
    .groupByRaw('grouping sets ((t.category), (t.urgency), (t.team_id, tm.name), ())')
    .orderByRaw('count(*) desc, key, team_name');
}

const times = async (db: Db, f: ReportFilter): Promise<TimesSqlRow[]> => timesQuery(db, f);

const round = (v: number | null) => (v === null ? null : Math.round(v));
const durations = (median: number | null, p90: number | null, n: string): Durations => ({
  median: round(median),
  p90: round(p90),
  count: Number(n),
});

/** Met and breached counts, and the share met to a tenth of a percent. */
export function compliance(met: number, breached: number): Compliance {
  const decided = met + breached;
  return { met, breached, percent: decided ? Math.round((1000 * met) / decided) / 10 : null };
}

const slaOf = (r: TimesSqlRow | undefined): TimesRow['sla'] => ({
  firstAnswer: compliance(Number(r?.fa_met ?? 0), Number(r?.fa_breached ?? 0)),
  resolution: compliance(Number(r?.res_met ?? 0), Number(r?.res_breached ?? 0)),
});

/** Survey answers given in the period, per team and overall (satisfactionFigures, narrowed like the rest). */
async function satisfaction(
  db: Db,
  f: ReportFilter,
): Promise<Pick<Report, 'satisfaction'> & { total: Report['totals']['satisfaction'] }> {
  const filter = { from: f.from, to: f.to, teamId: f.teamId, companyId: f.companyId, serviceId: f.serviceId };
  const [byTeam, all] = await Promise.all([
    satisfactionFigures(db, filter, 'team', f.timeZone),
    satisfactionFigures(db, filter, 'all', f.timeZone),
  ]);
  const ids = byTeam.flatMap((r) => (r.key === null ? [] : [Number(r.key)]));
  const names: { id: number; name: string }[] = ids.length
    ? await db('teams').whereIn('id', ids).select('id', 'name')
    : [];
  const rows = byTeam.map((r) => {
    const teamId = r.key === null ? null : Number(r.key);
    return {
      teamId,
      teamName: names.find((n) => n.id === teamId)?.name ?? null,
      count: r.count,
      average: r.average,
    };
  });
  const total = all[0];
  return {
    satisfaction: rows.sort(
      (a, b) => b.count - a.count || (a.teamName ?? '').localeCompare(b.teamName ?? ''),
    ),
    total: { count: total?.count ?? 0, average: total?.average ?? null },
  };
}

/**
 * The whole report of a period: per day, the backlog now, answer and resolution times and SLA compliance per
 * group, and the satisfaction survey's answers.
 */
export async function ticketReport(db: Db, f: ReportFilter): Promise<Report> {
  const [days, open, rows, survey] = await Promise.all([
    daily(db, f),
    backlog(db, f),
    times(db, f),
    satisfaction(db, f),
  ]);
  const asRow = (r: TimesSqlRow): TimesRow => ({
    key: r.key,
    label: r.team_name,
    tickets: Number(r.tickets),
    firstAnswer: durations(r.fa_median, r.fa_p90, r.fa_n),
    resolution: durations(r.res_median, r.res_p90, r.res_n),
    sla: slaOf(r),
  });
  // grouping() sets a bit per column left out of the row's set: category 8, urgency 4, team 2 + name 1.
  const of = (set: number) => rows.filter((r) => r.set === set).map(asRow);
  const total = rows.find((r) => r.set === 15);
  return {
    daily: days,
    backlog: open,
    byCategory: of(7),
    byUrgency: of(11).filter((r) => r.key !== null),
    byTeam: of(12),
    totals: {
      opened: days.reduce((a, d) => a + d.opened, 0),
      closed: days.reduce((a, d) => a + d.closed, 0),
      firstAnswer: total ? durations(total.fa_median, total.fa_p90, total.fa_n) : durations(null, null, '0'),
      resolution: total
        ? durations(total.res_median, total.res_p90, total.res_n)
        : durations(null, null, '0'),
      sla: slaOf(total),
      satisfaction: survey.total,
    },
    satisfaction: survey.satisfaction,
  };
}

export interface ReportOptions {
  teams: { id: number; name: string }[];
  companies: { id: number; name: string }[];
  /** The chosen company's services (none until a company is chosen). */
  services: { id: number; name: string }[];
}

/** Choices for the report's filters; companies empty when there are too many for a list. */
export async function reportOptions(
  db: Db,
  companyId: number | undefined,
  companyMax: number,
): Promise<ReportOptions> {
  const [teams, companies, services] = await Promise.all([
    db('teams').where({ active: true }).orderBy('name').select('id', 'name'),
    db('companies')
      .where({ active: true })
      .orderBy('name')
      .limit(companyMax + 1)
      .select('id', 'name'),
    companyId ? db('services').where({ company_id: companyId }).orderBy('name').select('id', 'name') : [],
  ]);
  return { teams, companies: companies.length > companyMax ? [] : companies, services };
}
