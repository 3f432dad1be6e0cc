import { Readable } from 'node:stream';
import type Router from '@koa/router';
import { z } from 'zod';
import { listStaff } from '../../app/queries/agent-accounts.js';
import { type AuditFilter, auditLogPage, auditLogRows } from '../../app/queries/audit-log.js';
import type { AuditLogRow } from '../../db/tables.js';
import { addDays, startOfDay } from '../../domain/zoned-time.js';
import type { WebContext, WebState } from '../context.js';
import { csvCell } from '../csv-cell.js';
import { dateTime, timeZoneOf } from '../dates.js';
import { html } from '../html.js';
import { queryInput, queryInt } from '../input.js';
import { adminOnly } from './guard.js';
import { agentPage } from './page.js';

const PAGE_SIZE = 50;
const day = z
  .string()
  .regex(/^(\d{4}-\d{2}-\d{2})?$/, 'gdpr:audit.badPeriod')
  .refine((v) => v === '' || !Number.isNaN(Date.parse(v)), 'gdpr:audit.badPeriod')
  .default('');
const QUERY = {
  actor: z
    .string()
    .regex(/^(system|\d{1,15})?$/)
    .catch(''),
  // A NUL or another control character is a bad request (Postgres refuses NUL outright), not an empty filter.
  action: z
    .string()
    .max(100)
    .refine((v) => !/\p{Cc}/u.test(v))
    .default('')
    .transform((v) => v.trim()),
  from: day,
  to: day,
  before: queryInt,
};

interface AuditQuery {
  filter: AuditFilter;
  values: { actor: string; action: string; from: string; to: string };
  before: number | null;
}

/** The filters from the query string; the period's days are the admin's (their time zone), `to` included. */
function readQuery(ctx: WebContext): AuditQuery {
  const q = queryInput(ctx, QUERY);
  const tz = timeZoneOf(ctx);
  return {
    filter: {
      actor: q.actor === '' ? null : q.actor === 'system' ? 'system' : Number(q.actor),
      action: q.action,
      from: q.from ? startOfDay(q.from, tz) : null,
      to: q.to ? startOfDay(addDays(q.to, 1), tz) : null,
    },
    values: { actor: q.actor, action: q.action, from: q.from, to: q.to },
    before: q.before,
  };
}

const queryOf = (values: Record<string, string>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v) p.set(k, v);
  return p.toString();
};

const detailsText = (d: Record<string, unknown>): string =>
  Object.entries(d)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');

const targetText = (r: AuditLogRow) => (r.target_type ? `${r.target_type} #${r.target_id ?? ''}` : '');

async function renderAudit(ctx: WebContext): Promise<void> {
  const { t, s } = ctx.state;
  const { filter, values, before } = readQuery(ctx);
  const [page, staff] = await Promise.all([
    auditLogPage(s.db, filter, { before, limit: PAGE_SIZE }),
    listStaff(s.db),
  ]);
  const query = queryOf(values);
  const actorOptions = [
    { value: '', label: t('gdpr:audit.anyone') },
    { value: 'system', label: t('gdpr:audit.system') },
    ...staff.map((u) => ({ value: String(u.id), label: u.name })),
  ];
  await agentPage(ctx, {
    title: t('gdpr:audit.title'),
    section: 'audit',
    body: html`<div class="page-head"><h1>${t('gdpr:audit.title')}</h1><a class="button" href="/agent/admin/audit.csv${query ? `?${query}` : ''}" download>${t('gdpr:audit.csv')}</a></div>
<p class="lead">${t('gdpr:audit.intro')}</p>
<form class="filters" method="get" action="/agent/admin/audit" role="search">
<div class="field"><label for="a-actor">${t('gdpr:audit.actor')}</label><select id="a-actor" name="actor">${actorOptions.map((o) => html`<option value="${o.value}"${o.value === values.actor ? html` selected` : ''}>${o.label}</option>`)}</select></div>
<div class="field"><label for="a-action">${t('gdpr:audit.action')}</label><input id="a-action" type="search" name="action" value="${values.action}" aria-describedby="a-action-hint"><p class="hint" id="a-action-hint">${t('gdpr:audit.actionHint')}</p></div>
<div class="field"><label for="a-from">${t('gdpr:audit.from')}</label><input id="a-from" type="date" name="from" value="${values.from}"></div>
<div class="field"><label for="a-to">${t('gdpr:audit.to')}</label><input id="a-to" type="date" name="to" value="${values.to}"></div>
<button class="button" type="submit">${t('gdpr:audit.apply')}</button></form>
${
  page.rows.length
    ? html`<div class="table-wrap"><table class="data" tabindex="0"><caption class="visually-hidden">${t('gdpr:audit.title')}</caption><thead><tr>
<th scope="col">${t('gdpr:audit.when')}</th><th scope="col">${t('gdpr:audit.actor')}</th><th scope="col">${t('gdpr:audit.action')}</th>
<th scope="col">${t('gdpr:audit.target')}</th><th scope="col">${t('gdpr:audit.details')}</th><th scope="col">${t('gdpr:audit.address')}</th></tr></thead><tbody>
${page.rows.map(
  (
    r,
  ) => html`<tr><td>${dateTime(ctx, r.at)}</td><td>${r.actor_name ?? t('gdpr:audit.system')}</td><td><code>${r.action}</code></td>
<td>${r.target_type === 'user' ? html`<a href="/agent/users/${r.target_id ?? ''}">${targetText(r)}</a>` : targetText(r)}</td>
<td>${detailsText(r.details)}</td><td>${r.client_address ?? ''}</td></tr>`,
)}
</tbody></table></div>`
    : html`<p class="empty card">${t('gdpr:audit.empty')}</p>`
}
<nav class="pager">${before !== null ? html`<a class="button" href="/agent/admin/audit${query ? `?${query}` : ''}">${t('gdpr:audit.newest')}</a>` : ''}${
      page.nextBefore !== null
        ? html`<a class="button" href="/agent/admin/audit?${queryOf({ ...values, before: String(page.nextBefore) })}">${t('gdpr:audit.older')}</a>`
        : ''
    }</nav>`,
  });
}

const CSV_COLUMNS = [
  'at',
  'actor_id',
  'actor_name',
  'action',
  'target_type',
  'target_id',
  'details',
  'client_address',
] as const;

/** The CSV, written as it is read (page by page), however long the period. */
async function* csvLines(ctx: WebContext, filter: AuditFilter): AsyncGenerator<string> {
  // A byte order mark, so that a spreadsheet opens the accents as UTF-8.
  yield `\ufeff${CSV_COLUMNS.join(',')}\r\n`;
  for await (const r of auditLogRows(ctx.state.s.db, filter)) {
    const cells = [
      r.at.toISOString(),
      r.actor_id ?? '',
      r.actor_name ?? '',
      r.action,
      r.target_type ?? '',
      r.target_id ?? '',
      JSON.stringify(r.details),
      r.client_address ?? '',
    ];
    yield `${cells.map(csvCell).join(',')}\r\n`;
  }
}

export function mountAudit(r: Router<WebState>): void {
  r.get('/agent/admin/audit', adminOnly, renderAudit);
  r.get('/agent/admin/audit.csv', adminOnly, (ctx) => {
    const { filter } = readQuery(ctx);
    ctx.type = 'text/csv; charset=utf-8';
    ctx.attachment(`izardesk-audit-${new Date().toISOString().slice(0, 10)}.csv`);
    ctx.body = Readable.from(csvLines(ctx, filter));
  });
}
