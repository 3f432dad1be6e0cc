import type Router from '@koa/router';
import { z } from 'zod';
import { queueFilterOptions } from '../../app/queries/agent-accounts.js';
import { agentQueue, isQueueCursor, type QueueFilters, statusCounts } from '../../app/queries/agent-queue.js';
import { teamIdsOf, teamOptions } from '../../app/queries/teams.js';
import { TICKET_STATUSES, type TicketStatus } from '../../domain/ticket-status.js';
import type { WebContext, WebState } from '../context.js';
import { html } from '../html.js';
import { pathId, queryInput, queryInt } from '../input.js';
import { queryCursor, queryText } from '../query-input.js';
import { age, number, ref, when } from './format.js';
import { staffOnly } from './guard.js';
import { agentPage } from './page.js';
import { shortCache } from './short-cache.js';
import { slaCell } from './sla-format.js';

const STATUS_FILTERS = ['open', 'all', ...TICKET_STATUSES] as const;

/** A filter's text (the first when repeated; '' when absent). */
const word = z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.string()).catch('');

const QUEUE_QUERY = {
  status: z.enum(STATUS_FILTERS).optional().catch(undefined),
  type: word,
  category: word,
  urgency: word,
  assignee: word,
  customer: queryInt,
  service: queryInt,
  requester: queryInt,
  waiting: word,
  sort: word,
  team: word,
  incidents: word,
};

/**
 * The team filter: `mine` (the agent's teams and tickets of no team), `all`, `none` or a team's id. Without one,
 * the plain queue shows `mine` (or `all` to an agent in no team), while a search or a link to a customer's,
 * person's or service's tickets looks across every team.
 */
function readTeam(
  asked: string,
  values: Record<string, string>,
  myTeams: readonly number[],
): QueueFilters['teams'] {
  const id = pathId.safeParse(asked);
  const team = id.success
    ? String(id.data)
    : ['mine', 'all', 'none'].includes(asked)
      ? asked
      : values.q || values.customer || values.requester || values.service || !myTeams.length
        ? 'all'
        : 'mine';
  values.team = team;
  if (team === 'all') return undefined;
  if (team === 'none') return { ids: [], orNone: true };
  if (team === 'mine') return { ids: myTeams, orNone: true };
  return { ids: [Number(team)], orNone: false };
}

/** The queue's filters from the query string; anything unknown is ignored. */
function readFilters(
  ctx: WebContext,
  myTeams: readonly number[],
): { filters: QueueFilters; values: Record<string, string> } {
  const q = queryInput(ctx, QUEUE_QUERY);
  const { catalog } = ctx.state.s.config;
  const values: Record<string, string> = {};
  const filters: QueueFilters = {};
  if (q.status) filters.status = values.status = q.status;
  if (catalog.types[q.type]) filters.type = values.type = q.type;
  if (Object.values(catalog.types).some((t) => t.categories.includes(q.category)))
    filters.category = values.category = q.category;
  if (Object.values(catalog.types).some((t) => t.urgencies.includes(q.urgency)))
    filters.urgency = values.urgency = q.urgency;
  const assigneeId = pathId.safeParse(q.assignee);
  if (q.assignee === 'none') {
    filters.unassigned = true;
    values.assignee = q.assignee;
  } else if (q.assignee === 'me' && ctx.state.user) {
    filters.assigneeId = ctx.state.user.id;
    values.assignee = q.assignee;
  } else if (assigneeId.success) {
    filters.assigneeId = assigneeId.data;
    values.assignee = q.assignee;
  }
  for (const [key, prop] of [
    ['customer', 'companyId'],
    ['service', 'serviceId'],
    ['requester', 'requesterId'],
  ] as const) {
    const n = q[key];
    if (n) {
      filters[prop] = n;
      values[key] = String(n);
    }
  }
  if (q.waiting === '1') {
    filters.waiting = true;
    values.waiting = '1';
  }
  if (q.sort === 'due') filters.sort = values.sort = 'due';
  const incidentId = pathId.safeParse(q.incidents);
  if (q.incidents === '1') filters.majorIncidents = true;
  else if (incidentId.success) filters.majorIncidents = incidentId.data;
  if (filters.majorIncidents) values.incidents = q.incidents;
  const text = queryText(ctx, 'q').trim().slice(0, 200);
  if (text) filters.q = values.q = text;
  const teams = readTeam(q.team, values, myTeams);
  if (teams) filters.teams = teams;
  return { filters, values };
}

const queryString = (values: Record<string, string>, extra: Record<string, string | null> = {}) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...values, ...extra })) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `/agent?${s}` : '/agent';
};

export function mountQueue(r: Router<WebState>): void {
  r.get('/agent', staffOnly, async (ctx) => {
    const { t, s, user } = ctx.state;
    const myTeams = user ? await teamIdsOf(s.db, user.id) : [];
    const { filters, values } = readFilters(ctx, myTeams);
    const after = queryCursor(ctx, 'after', isQueueCursor) ?? undefined;
    const [page, counts, options, teams] = await Promise.all([
      agentQueue(s.db, filters, {
        limit: user?.page_size ?? 25,
        after,
        ticketPrefix: s.config.TICKET_PREFIX,
      }),
      shortCache(`counts:${s.config.DATABASE_URL}`, 5_000, () => statusCounts(s.db)),
      shortCache(`options:${s.config.DATABASE_URL}`, 30_000, () => queueFilterOptions(s.db)),
      teamOptions(s.db),
    ]);
    const { catalog } = s.config;
    const currentStatus = filters.waiting ? 'pending' : (filters.status ?? 'open');
    const sel = (name: string, v: string) => (values[name] === v ? html` selected` : '');
    const select = (name: string, label: string, opts: { value: string; label: string }[]) =>
      html`<div class="field"><label for="q-${name}">${label}</label><select id="q-${name}" name="${name}">
<option value="">${t('agent:queue.any')}</option>${opts.map((o) => html`<option value="${o.value}"${sel(name, o.value)}>${o.label}</option>`)}</select></div>`;
    const categories = [...new Set(Object.values(catalog.types).flatMap((x) => x.categories))];
    const urgencies = [...new Set(Object.values(catalog.types).flatMap((x) => x.urgencies))];
    const counters = html`<ul class="counters" aria-label="${t('agent:queue.counters')}">
${counts.map(
  (c) =>
    html`<li><a href="${queryString({ ...values, status: c.status, waiting: '' })}"${currentStatus === c.status ? html` aria-current="true"` : ''}>${t(`status.${c.status as TicketStatus}`)} <span class="n">${c.estimated ? '≈ ' : ''}${number(ctx, c.count)}</span></a></li>`,
)}
</ul>`;
    const form = html`<form class="queue-filters" method="get" action="/agent" role="search">
  <div class="search field"><label class="visually-hidden" for="q-q">${t('agent:queue.search')}</label>
    <input id="q-q" type="search" name="q" value="${values.q ?? ''}" placeholder="${t('agent:queue.searchPlaceholder')}">
    <button class="button primary" type="submit">${t('agent:queue.apply')}</button>
    <a class="button" href="/agent">${t('agent:queue.reset')}</a></div>
  <div class="field"><label for="q-status">${t('agent:queue.status')}</label><select id="q-status" name="status">
    ${STATUS_FILTERS.map((st) => html`<option value="${st}"${(values.status ?? 'open') === st ? html` selected` : ''}>${st === 'open' ? t('agent:queue.open') : st === 'all' ? t('agent:queue.all') : t(`status.${st}`)}</option>`)}
  </select></div>
  ${select(
    'type',
    t('agent:ticket.type'),
    Object.keys(catalog.types).map((v) => ({ value: v, label: t(`type.${v}`) })),
  )}
  ${select(
    'category',
    t('agent:ticket.category'),
    categories.map((v) => ({ value: v, label: t(`category.${v}`) })),
  )}
  ${select(
    'urgency',
    t('agent:ticket.urgency'),
    urgencies.map((v) => ({ value: v, label: t(`urgency.${v}`) })),
  )}
  <div class="field"><label for="q-team">${t('agent:teams.team')}</label><select id="q-team" name="team">
    ${[
      { value: 'mine', label: t('agent:teams.mine') },
      { value: 'all', label: t('agent:teams.all') },
      { value: 'none', label: t('agent:teams.none') },
      ...teams.map((x) => ({ value: String(x.id), label: x.name })),
    ].map((o) => html`<option value="${o.value}"${sel('team', o.value)}>${o.label}</option>`)}
  </select></div>
  ${select('assignee', t('agent:ticket.assignee'), [
    { value: 'me', label: t('agent:queue.mine') },
    { value: 'none', label: t('agent:queue.unassigned') },
    ...options.agents.map((a) => ({ value: String(a.id), label: a.name })),
  ])}
  ${
    options.companies.length
      ? select(
          'customer',
          t('agent:ticket.customer'),
          options.companies.map((c) => ({ value: String(c.id), label: c.name })),
        )
      : values.customer
        ? html`<input type="hidden" name="customer" value="${values.customer}">`
        : ''
  }
  ${values.service ? html`<input type="hidden" name="service" value="${values.service}">` : ''}
  ${values.requester ? html`<input type="hidden" name="requester" value="${values.requester}">` : ''}
  <div class="field"><label for="q-sort">${t('agent:sla.sort')}</label><select id="q-sort" name="sort">
    <option value="">${t('agent:sla.sortPriority')}</option><option value="due"${values.sort === 'due' ? html` selected` : ''}>${t('agent:sla.sortDue')}</option></select></div>
  <div class="field checks"><label><input type="checkbox" name="waiting" value="1"${values.waiting ? html` checked` : ''}> ${t('agent:queue.waiting')}</label>
<label><input type="checkbox" name="incidents" value="1"${values.incidents ? html` checked` : ''}> ${t('agent:queue.withIncidents')}</label></div>
</form>`;
    // Filters set by a link (a customer's, a person's or a service's tickets) that the form shows no list for.
    const linked = (['customer', 'requester', 'service'] as const).filter(
      (k) => values[k] && !(k === 'customer' && options.companies.length),
    );
    const chips = linked.length
      ? html`<p class="filter-chips">${linked.map(
          (k) =>
            html`<a class="chip" href="${queryString(values, { [k]: null, after: null })}">${t(`agent:queue.linked_${k}`)} #${values[k] ?? ''} <span aria-hidden="true">✕</span><span class="visually-hidden">${t('agent:queue.removeFilter')}</span></a> `,
        )}</p>`
      : '';
    const now = new Date();
    const rows = page.rows.map(
      (row) => html`<tr>
  <td><span class="prio prio-${row.priority}" title="${t('agent:ticket.priority')}">P${row.priority}</span></td>
  <td class="ref"><a href="/agent/tickets/${row.id}">${ref(ctx, row.id)}</a></td>
  <td><a href="/agent/tickets/${row.id}">${row.title}</a><br><small>${t(`type.${row.type}`)} · ${t(`category.${row.category}`)}${row.urgency ? html` · <span class="badge urgency-${row.urgency}">${t(`urgency.${row.urgency}`)}</span>` : ''}</small></td>
  <td><span class="badge status-${row.status}">${t(`status.${row.status}`)}</span></td>
  <td class="hide-sm">${row.requester_name}${row.company_name ? html`<br><small>${row.company_name}</small>` : ''}${row.service_name ? html`<br><small>${row.service_name}</small>` : ''}</td>
  <td class="hide-sm">${row.assignee_name ?? html`<em>${t('agent:queue.unassigned')}</em>`}${row.team_name ? html`<br><small>${row.team_name}</small>` : ''}</td>
  ${slaCell(ctx, row, now)}
  <td class="nowrap" title="${when(ctx, row.created_at)}">${age(row.created_at)}</td>
</tr>`,
    );
    const table = page.rows.length
      ? html`<div class="table-wrap"><table class="tickets">
<caption class="visually-hidden">${t('agent:queue.title')}</caption>
<thead><tr><th scope="col">${t('agent:ticket.priorityShort')}</th><th scope="col">${t('agent:ticket.reference')}</th><th scope="col">${t('agent:ticket.title')}</th><th scope="col">${t('agent:queue.status')}</th><th scope="col" class="hide-sm">${t('agent:ticket.customer')}</th><th scope="col" class="hide-sm">${t('agent:ticket.assignee')} · ${t('agent:teams.team')}</th><th scope="col">${t('agent:sla.column')}</th><th scope="col">${t('agent:queue.age')}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
      : html`<p class="empty card">${t('agent:queue.empty')}</p>`;
    const pager = html`<nav class="pager" aria-label="${t('agent:queue.pages')}">
${after ? html`<a class="button" href="${queryString(values)}">${t('agent:queue.firstPage')}</a>` : ''}
${page.next ? html`<a class="button" rel="next" href="${queryString(values, { after: page.next })}">${t('agent:queue.nextPage')}</a>` : ''}
</nav>`;
    await agentPage(ctx, {
      title: t('agent:queue.title'),
      section: 'queue',
      body: html`<div class="page-head"><h1>${t('agent:queue.title')}</h1></div>${counters}${form}${chips}${table}${pager}`,
    });
  });
}
