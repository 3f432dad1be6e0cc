import type Router from '@koa/router';
import { z } from 'zod';
import { CUSTOMER_LIST_MAX } from '../../app/queries/agent-accounts.js';
import { type IncidentSummary, incidentReport } from '../../app/queries/incidents.js';
import {
  type Compliance,
  type Durations,
  type Report,
  type ReportFilter,
  reportOptions,
  type TimesRow,
  ticketReport,
} from '../../app/queries/reports.js';
import type { Db } from '../../db/db.js';
import { inLanguage } from '../../domain/incident-scope.js';
import { TICKET_STATUSES, type TicketStatus } from '../../domain/ticket-status.js';
import { addDays, dayOf, startOfDay } from '../../domain/zoned-time.js';
import { barChart } from '../bar-chart.js';
import type { WebContext, WebState } from '../context.js';
import { csvCell } from '../csv-cell.js';
import { dateTime } from '../dates.js';
import { type HtmlValue, html } from '../html.js';
import type { Translate } from '../translate.js';
import { number } from './format.js';
import { staffOnly } from './guard.js';
import { agentPage } from './page.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const id = z
  .union([
    z.literal(''),
    z.coerce
      .number()
      .int()
      .positive()
      .max(2 ** 53),
  ])
  .optional();
const QUERY = z.object({
  from: z.string().regex(DAY).optional(),
  to: z.string().regex(DAY).optional(),
  team: id,
  company: id,
  service: id,
});
const DATASETS = ['daily', 'backlog', 'category', 'urgency', 'team', 'satisfaction', 'incidents'] as const;
const MAX_DAYS = 366;

interface ReportInput {
  filter: ReportFilter;
  values: { from: string; to: string; team: string; company: string; service: string };
}

/** The report's period and filters from the query string: the last 30 days by default; a bad period is a 400. */
function readInput(ctx: WebContext): ReportInput {
  const parsed = QUERY.safeParse(ctx.query);
  if (!parsed.success) return ctx.throw(400, ctx.state.t('reports:badPeriod'));
  const q = parsed.data;
  const timeZone = ctx.state.user?.time_zone ?? ctx.state.s.config.DEFAULT_TIME_ZONE;
  const today = dayOf(new Date(), timeZone);
  const to = q.to ?? today;
  const from = q.from ?? addDays(to, -29);
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (!(days >= 0 && days < MAX_DAYS)) ctx.throw(400, ctx.state.t('reports:badPeriod'));
  const num = (v: number | '' | undefined) => (v === '' || v === undefined ? undefined : v);
  const filter: ReportFilter = {
    from: startOfDay(from, timeZone),
    to: startOfDay(addDays(to, 1), timeZone),
    timeZone,
    teamId: num(q.team),
    companyId: num(q.company),
    serviceId: num(q.company) ? num(q.service) : undefined,
  };
  const text = (v: number | undefined) => (v === undefined ? '' : String(v));
  return {
    filter,
    values: {
      from,
      to,
      team: text(filter.teamId),
      company: text(filter.companyId),
      service: text(filter.serviceId),
    },
  };
}

/** "45 min", "3 h 20 min", "2 d 4 h". */
function duration(t: Translate, minutes: number | null): string {
  if (minutes === null) return t('reports:none');
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(minutes / 1440)} d ${Math.floor((minutes % 1440) / 60)} h`;
}

/** The ticket report and the major incidents started in the period (not narrowed: an outage is everyone's). */
type PageReport = Report & { incidents: IncidentSummary[] };

const loadReport = async (db: Db, f: ReportFilter): Promise<PageReport> => {
  const [report, incidents] = await Promise.all([ticketReport(db, f), incidentReport(db, f.from, f.to)]);
  return { ...report, incidents };
};

/** "83,3 %" in the reader's language; the empty mark when nothing was decided. */
const percent = (ctx: WebContext, c: Compliance): string =>
  c.percent === null
    ? ctx.state.t('reports:none')
    : new Intl.NumberFormat(ctx.state.lang, { style: 'percent', maximumFractionDigits: 1 }).format(
        c.percent / 100,
      );

const average = (ctx: WebContext, v: number | null): string =>
  v === null
    ? ctx.state.t('reports:none')
    : `${new Intl.NumberFormat(ctx.state.lang, { maximumFractionDigits: 2 }).format(v)} / 5`;

const queryOf = (values: ReportInput['values']) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v) p.set(k, v);
  return p.toString();
};

/** The name of a times row's group, in the reader's language. */
function groupLabel(t: Translate, kind: 'category' | 'urgency' | 'team', r: TimesRow): string {
  if (kind === 'team') return r.label ?? t('reports:noTeam');
  if (r.key === null) return kind === 'urgency' ? t('reports:noUrgency') : t('reports:none');
  return t(`${kind}.${r.key}`);
}

/** The rows of each dataset, as the CSV gives them (and as the page's tables show them). */
function csvRows(
  t: Translate,
  lang: string,
  report: PageReport,
  dataset: (typeof DATASETS)[number],
): (string | number)[][] {
  const sla = (clock: 'slaFirstAnswer' | 'slaResolution') => [
    `${t(`reports:${clock}`)} ${t('reports:met')}`,
    `${t(`reports:${clock}`)} ${t('reports:breached')}`,
    `${t(`reports:${clock}`)} (%)`,
  ];
  const slaCells = (c: Compliance) => [c.met, c.breached, c.percent ?? ''];
  const times = (kind: 'category' | 'urgency' | 'team', rows: TimesRow[]) => [
    [
      t('reports:group'),
      t('reports:tickets'),
      `${t('reports:firstAnswer')} ${t('reports:median')} (min)`,
      `${t('reports:firstAnswer')} p90 (min)`,
      t('reports:answered'),
      `${t('reports:resolution')} ${t('reports:median')} (min)`,
      `${t('reports:resolution')} p90 (min)`,
      t('reports:resolved'),
      ...sla('slaFirstAnswer'),
      ...sla('slaResolution'),
    ],
    ...rows.map((r) => [
      groupLabel(t, kind, r),
      r.tickets,
      r.firstAnswer.median ?? '',
      r.firstAnswer.p90 ?? '',
      r.firstAnswer.count,
      r.resolution.median ?? '',
      r.resolution.p90 ?? '',
      r.resolution.count,
      ...slaCells(r.sla.firstAnswer),
      ...slaCells(r.sla.resolution),
    ]),
  ];
  switch (dataset) {
    case 'daily':
      return [
        [t('reports:day'), t('reports:opened'), t('reports:closed')],
        ...report.daily.map((d) => [d.day, d.opened, d.closed]),
      ];
    case 'backlog':
      return [
        [t('reports:team'), t('agent:queue.status'), t('reports:tickets')],
        ...report.backlog.map((b) => [b.teamName ?? t('reports:noTeam'), t(`status.${b.status}`), b.count]),
      ];
    case 'category':
      return times('category', report.byCategory);
    case 'urgency':
      return times('urgency', report.byUrgency);
    case 'team':
      return times('team', report.byTeam);
    case 'satisfaction':
      return [
        [t('reports:team'), t('reports:answers'), t('reports:average')],
        ...report.satisfaction.map((r) => [r.teamName ?? t('reports:noTeam'), r.count, r.average ?? '']),
        [t('reports:total'), report.totals.satisfaction.count, report.totals.satisfaction.average ?? ''],
      ];
    case 'incidents':
      return [
        [
          t('agent:incidents.titleField'),
          t('agent:incidents.state'),
          t('agent:incidents.startedAt'),
          t('agent:incidents.customersAffected'),
          t('agent:incidents.ticketsLinked'),
          `${t('agent:incidents.firstUpdate')} (min)`,
          `${t('agent:incidents.lasted')} (min)`,
        ],
        ...report.incidents.map((i) => [
          inLanguage(i.title, lang),
          t(`agent:incidents.status_${i.status}`),
          i.started_at.toISOString(),
          i.figures.customersAffected,
          i.figures.ticketsLinked,
          i.figures.minutesToFirstUpdate ?? '',
          i.figures.durationMinutes,
        ]),
      ];
  }
}

// On a phone a wide table scrolls sideways (agent.css): it takes the keyboard focus, so it scrolls without a mouse.
function timesTable(
  ctx: WebContext,
  caption: string,
  kind: 'category' | 'urgency' | 'team',
  rows: TimesRow[],
): HtmlValue {
  const { t } = ctx.state;
  const cell = (d: Durations) => html`<td>${duration(t, d.median)}</td><td>${duration(t, d.p90)}</td>`;
  const sla = (c: Compliance) =>
    html`<td>${percent(ctx, c)}${c.percent === null ? '' : html` <span class="hint">(${number(ctx, c.met)}/${number(ctx, c.met + c.breached)})</span>`}</td>`;
  return html`<div class="table-wrap"><table class="data" tabindex="0"><caption>${caption}</caption>
<thead><tr><th scope="col">${t('reports:group')}</th><th scope="col">${t('reports:tickets')}</th>
<th scope="col">${t('reports:firstAnswer')} · ${t('reports:median')}</th><th scope="col">${t('reports:firstAnswer')} · ${t('reports:p90')}</th>
<th scope="col">${t('reports:resolution')} · ${t('reports:median')}</th><th scope="col">${t('reports:resolution')} · ${t('reports:p90')}</th>
<th scope="col">${t('reports:slaFirstAnswer')}</th><th scope="col">${t('reports:slaResolution')}</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><th scope="row">${groupLabel(t, kind, r)}</th><td>${number(ctx, r.tickets)}</td>${cell(r.firstAnswer)}${cell(r.resolution)}${sla(r.sla.firstAnswer)}${sla(r.sla.resolution)}</tr>`)}</tbody></table></div>`;
}

function satisfactionTable(ctx: WebContext, report: Report): HtmlValue {
  const { t } = ctx.state;
  if (!report.satisfaction.length) return html`<p>${t('reports:satisfactionEmpty')}</p>`;
  const total = report.totals.satisfaction;
  return html`<div class="table-wrap"><table class="data" tabindex="0" aria-label="${t('reports:satisfaction')}"><thead><tr><th scope="col">${t('reports:team')}</th><th scope="col">${t('reports:answers')}</th><th scope="col">${t('reports:average')}</th></tr></thead>
<tbody>${report.satisfaction.map((r) => html`<tr><th scope="row">${r.teamName ?? t('reports:noTeam')}</th><td>${number(ctx, r.count)}</td><td>${average(ctx, r.average)}</td></tr>`)}</tbody>
<tfoot><tr><th scope="row">${t('reports:total')}</th><td>${number(ctx, total.count)}</td><td>${average(ctx, total.average)}</td></tr></tfoot></table></div>`;
}

function incidentsTable(ctx: WebContext, incidents: IncidentSummary[]): HtmlValue {
  const { t, lang } = ctx.state;
  if (!incidents.length) return html`<p>${t('reports:incidentsEmpty')}</p>`;
  return html`<div class="table-wrap"><table class="data" tabindex="0" aria-label="${t('reports:incidents')}"><thead><tr><th scope="col">${t('agent:incidents.titleField')}</th><th scope="col">${t('agent:incidents.state')}</th><th scope="col">${t('agent:incidents.startedAt')}</th>
<th scope="col">${t('agent:incidents.customersAffected')}</th><th scope="col">${t('agent:incidents.ticketsLinked')}</th><th scope="col">${t('agent:incidents.firstUpdate')}</th><th scope="col">${t('agent:incidents.lasted')}</th></tr></thead>
<tbody>${incidents.map(
    (i) =>
      html`<tr><th scope="row"><a href="/agent/incidents/${i.id}">${inLanguage(i.title, lang)}</a></th><td>${t(`agent:incidents.status_${i.status}`)}</td><td>${dateTime(ctx, i.started_at)}</td>
<td>${number(ctx, i.figures.customersAffected)}</td><td>${number(ctx, i.figures.ticketsLinked)}</td><td>${duration(t, i.figures.minutesToFirstUpdate)}</td><td>${duration(t, i.figures.durationMinutes)}</td></tr>`,
  )}</tbody></table></div>`;
}

function backlogTable(ctx: WebContext, report: Report): HtmlValue {
  const { t } = ctx.state;
  if (!report.backlog.length) return html`<p>${t('reports:backlogEmpty')}</p>`;
  const statuses = TICKET_STATUSES.filter((st) => report.backlog.some((b) => b.status === st));
  const teams = [...new Map(report.backlog.map((b) => [b.teamId, b.teamName])).entries()];
  const count = (team: number | null, st: TicketStatus) =>
    report.backlog.find((b) => b.teamId === team && b.status === st)?.count ?? 0;
  return html`<div class="table-wrap"><table class="data" tabindex="0" aria-label="${t('reports:backlog')}"><thead><tr><th scope="col">${t('reports:team')}</th>
${statuses.map((st) => html`<th scope="col">${t(`status.${st}`)}</th>`)}<th scope="col">${t('reports:total')}</th></tr></thead>
<tbody>${teams.map(
    ([team, name]) =>
      html`<tr><th scope="row">${name ?? t('reports:noTeam')}</th>${statuses.map((st) => html`<td>${number(ctx, count(team, st))}</td>`)}
<td>${number(
        ctx,
        statuses.reduce((a, st) => a + count(team, st), 0),
      )}</td></tr>`,
  )}</tbody></table></div>`;
}

export function mountReports(r: Router<WebState>): void {
  r.get('/agent/reports.csv', staffOnly, async (ctx) => {
    const dataset = DATASETS.find((d) => d === ctx.query.dataset);
    if (!dataset) return ctx.throw(400);
    const { filter, values } = readInput(ctx);
    const report = await loadReport(ctx.state.s.db, filter);
    ctx.type = 'text/csv; charset=utf-8';
    ctx.attachment(`izardesk-${dataset}-${values.from}-${values.to}.csv`);
    // A byte order mark, so that a spreadsheet opens the accents as UTF-8.
    ctx.body = `\ufeff${csvRows(ctx.state.t, ctx.state.lang, report, dataset)
      .map((row) => row.map(csvCell).join(','))
      .join('\r\n')}\r\n`;
  });

  r.get('/agent/reports', staffOnly, async (ctx) => {
    const { t, s } = ctx.state;
    const { filter, values } = readInput(ctx);
    const [report, options] = await Promise.all([
      loadReport(s.db, filter),
      reportOptions(s.db, filter.companyId, CUSTOMER_LIST_MAX),
    ]);
    const query = queryOf(values);
    const csv = (dataset: (typeof DATASETS)[number]) =>
      html`<p><a class="button" href="/agent/reports.csv?${query}${query ? '&' : ''}dataset=${dataset}" download>${t('reports:csv')}</a></p>`;
    const select = (name: 'team' | 'company' | 'service', opts: { id: number; name: string }[]) =>
      html`<div class="field"><label for="r-${name}">${t(`reports:${name}`)}</label><select id="r-${name}" name="${name}">
<option value="">${t('reports:any')}</option>${opts.map((o) => html`<option value="${o.id}"${values[name] === String(o.id) ? html` selected` : ''}>${o.name}</option>`)}</select></div>`;
    const form = html`<form class="queue-filters" method="get" action="/agent/reports">
<div class="field"><label for="r-from">${t('reports:from')}</label><input id="r-from" type="date" name="from" value="${values.from}" required></div>
<div class="field"><label for="r-to">${t('reports:to')}</label><input id="r-to" type="date" name="to" value="${values.to}" required></div>
${options.teams.length ? select('team', options.teams) : ''}
${options.companies.length ? select('company', options.companies) : ''}
${options.services.length ? select('service', options.services) : ''}
<div class="field"><button class="button primary" type="submit">${t('reports:apply')}</button></div>
</form>`;
    const { totals } = report;
    const daily = barChart({
      id: 'daily',
      title: t('reports:daily'),
      summary: t('reports:chartSummary', {
        opened: totals.opened,
        closed: totals.closed,
        from: values.from,
        to: values.to,
      }),
      labels: report.daily.map((d) => d.day.slice(5)),
      series: [
        { name: t('reports:opened'), className: 'series-a', values: report.daily.map((d) => d.opened) },
        { name: t('reports:closed'), className: 'series-b', values: report.daily.map((d) => d.closed) },
      ],
    });
    await agentPage(ctx, {
      title: t('reports:title'),
      section: 'reports',
      body: html`<h1>${t('reports:title')}</h1><p class="lead">${t('reports:intro')}</p>
${form}
<ul class="tiles">
<li>${t('reports:opened')}<span class="n">${number(ctx, totals.opened)}</span></li>
<li>${t('reports:closed')}<span class="n">${number(ctx, totals.closed)}</span></li>
<li>${t('reports:firstAnswerMedian')}<span class="n">${duration(t, totals.firstAnswer.median)}</span></li>
<li>${t('reports:resolutionMedian')}<span class="n">${duration(t, totals.resolution.median)}</span></li>
<li>${t('reports:slaFirstAnswer')}<span class="n">${percent(ctx, totals.sla.firstAnswer)}</span></li>
<li>${t('reports:slaResolution')}<span class="n">${percent(ctx, totals.sla.resolution)}</span></li>
<li>${t('reports:average')}<span class="n">${average(ctx, totals.satisfaction.average)}</span>${t('reports:answersCount', { count: totals.satisfaction.count })}</li>
</ul>
<section class="report-section" aria-labelledby="h-daily"><h2 id="h-daily">${t('reports:daily')}</h2>
${daily}
<details><summary>${t('reports:daily')}: ${t('reports:day')}</summary><div class="table-wrap"><table class="data" tabindex="0" aria-label="${t('reports:daily')}"><thead><tr><th scope="col">${t('reports:day')}</th><th scope="col">${t('reports:opened')}</th><th scope="col">${t('reports:closed')}</th></tr></thead>
<tbody>${report.daily.map((d) => html`<tr><th scope="row">${d.day}</th><td>${number(ctx, d.opened)}</td><td>${number(ctx, d.closed)}</td></tr>`)}</tbody></table></div></details>
${csv('daily')}</section>
<section class="report-section" aria-labelledby="h-backlog"><h2 id="h-backlog">${t('reports:backlog')}</h2>
${backlogTable(ctx, report)}${csv('backlog')}</section>
<section class="report-section" aria-labelledby="h-times"><h2 id="h-times">${t('reports:times')}</h2><p>${t('reports:timesNote')}</p><p>${t('reports:slaNote')}</p>
${timesTable(ctx, t('reports:byCategory'), 'category', report.byCategory)}${csv('category')}
${timesTable(ctx, t('reports:byUrgency'), 'urgency', report.byUrgency)}${csv('urgency')}
${timesTable(ctx, t('reports:byTeam'), 'team', report.byTeam)}${csv('team')}</section>
<section class="report-section" aria-labelledby="h-satisfaction"><h2 id="h-satisfaction">${t('reports:satisfaction')}</h2><p>${t('reports:satisfactionNote')}</p>
${satisfactionTable(ctx, report)}${csv('satisfaction')}</section>
<section class="report-section" aria-labelledby="h-incidents"><h2 id="h-incidents">${t('reports:incidents')}</h2><p>${t('reports:incidentsNote')}</p>
${incidentsTable(ctx, report.incidents)}${csv('incidents')}</section>`,
    });
  });
}
