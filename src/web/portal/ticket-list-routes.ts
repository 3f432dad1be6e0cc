import type Router from '@koa/router';
import { z } from 'zod';
import type { CustomerViewer } from '../../app/queries/customer-scope.js';
import {
  isListCursor,
  LIST_SORTS,
  type ListSort,
  listCustomerTickets,
  STATUS_FILTERS,
} from '../../app/queries/customer-tickets.js';
import { requireUser } from '../auth.js';
import type { WebContext, WebState } from '../context.js';
import { html } from '../html.js';
import { icon } from '../icons.js';
import { queryChoice, queryInput } from '../input.js';
import { renderPage } from '../layout.js';
import { queryCursor, queryText } from '../query-input.js';
import { dateTime, reference, statusBadge, urgencyBadge } from './format.js';
import { outageBanner } from './outage-banner.js';

const sortIcon = (sort: ListSort) => icon(sort === 'updated_asc' ? 'arrow-up' : 'arrow-down');

export const viewerOf = (ctx: WebContext): CustomerViewer => {
  const u = ctx.state.user!;
  return { id: u.id, companyId: u.company_id, isCompanyManager: u.is_company_manager };
};

const queryString = (params: Record<string, string | null>) => {
  const q = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => Boolean(e[1])));
  const s = q.toString();
  return s ? `?${s}` : '';
};

const LIST_QUERY = {
  status: z.enum(STATUS_FILTERS).nullable().catch(null),
  sort: queryChoice(LIST_SORTS, 'updated_desc'),
};

async function listPage(ctx: WebContext): Promise<void> {
  const { t, s, user } = ctx.state;
  const none = t('portal:ticket.none');
  const { status, sort } = queryInput(ctx, LIST_QUERY);
  const search = queryText(ctx, 'q').slice(0, 200);
  const after = queryCursor(ctx, 'after', isListCursor);
  const before = queryCursor(ctx, 'before', isListCursor);
  // The default order is left out of links.
  const sortQ = sort === 'updated_desc' ? null : sort;
  const manager = user!.is_company_manager && user!.company_id !== null;
  const { rows, next, previous } = await listCustomerTickets(s.pg, s.config.TICKET_PREFIX, viewerOf(ctx), {
    status,
    search,
    after,
    before,
    sort,
    pageSize: Math.min(100, Math.max(5, user!.page_size)),
  });
  const title = manager ? t('portal:list.companyTitle') : t('portal:list.title');
  const filtered = Boolean(status || search.trim() || after || before);
  const otherSort: ListSort = sort === 'updated_desc' ? 'updated_asc' : 'updated_desc';
  await renderPage(ctx, {
    title,
    nav: '/tickets',
    body: html`<div class="page-head"><h1>${title}</h1><a class="button primary" href="/tickets/new">${t('portal:list.newTicket')}</a></div>
${await outageBanner(ctx)}
<form class="filters card" method="get" action="/tickets" role="search">
  <div class="field">
    <label for="f-status">${t('portal:list.status')}</label>
    <select id="f-status" name="status">
      <option value="">${t('portal:list.all')}</option>
      ${STATUS_FILTERS.map((st) => html`<option value="${st}"${st === status ? html` selected` : ''}>${t(`status.${st}`)}</option>`)}
    </select>
  </div>
  <div class="field">
    <label for="f-sort">${t('portal:list.sort')}</label>
    <select id="f-sort" name="sort">
      ${LIST_SORTS.map((o) => html`<option value="${o}"${o === sort ? html` selected` : ''}>${t(`portal:list.sort_${o}`)}</option>`)}
    </select>
  </div>
  <div class="field grow">
    <label for="f-q">${t('portal:list.search')}</label>
    <input id="f-q" type="search" name="q" value="${search}" placeholder="${t('portal:list.searchHint')}">
  </div>
  <button class="button" type="submit">${t('portal:list.filter')}</button>
</form>
${
  rows.length === 0
    ? filtered
      ? html`<p class="card empty">${t('portal:list.empty')}</p>`
      : html`<div class="card empty"><p>${t('portal:list.none')}</p><p><a class="button primary" href="/tickets/new">${t('portal:list.noneAction')}</a></p></div>`
    : html`<div class="table-wrap card">
<table class="tickets">
  <thead><tr>
    <th scope="col">${t('portal:list.reference')}</th>
    <th scope="col">${t('portal:list.titleCol')}</th>
    <th scope="col" class="hide-sm">${t('portal:list.type')}</th>
    <th scope="col" class="hide-sm">${t('portal:list.category')}</th>
    <th scope="col" class="hide-sm">${t('portal:list.service')}</th>
    <th scope="col" class="hide-sm">${t('portal:list.urgency')}</th>
    ${manager ? html`<th scope="col" class="hide-sm">${t('portal:list.requester')}</th>` : ''}
    <th scope="col">${t('portal:list.status')}</th>
    <th scope="col" class="hide-sm" aria-sort="${sort === 'updated_asc' ? 'ascending' : 'descending'}"><a class="sort-link" href="/tickets${queryString({ status, q: search, sort: otherSort === 'updated_desc' ? null : otherSort })}">${t('portal:list.updated')} ${sortIcon(sort)}<span class="visually-hidden"> (${t(`portal:list.sort_${otherSort}`)})</span></a></th>
  </tr></thead>
  <tbody>
  ${rows.map(
    (r) => html`<tr>
    <td class="ref"><a href="/tickets/${r.id}">${reference(ctx, r.id)}</a></td>
    <td><a href="/tickets/${r.id}">${r.title}</a><small class="show-sm">${dateTime(ctx, r.updated_at)}</small></td>
    <td class="hide-sm">${t(`type.${r.type}`)}</td>
    <td class="hide-sm">${t(`category.${r.category}`)}</td>
    <td class="hide-sm">${r.service_name ?? none}</td>
    <td class="hide-sm">${r.urgency ? urgencyBadge(ctx, r.urgency) : none}</td>
    ${manager ? html`<td class="hide-sm">${r.requester_name}</td>` : ''}
    <td>${statusBadge(ctx, r.status)}</td>
    <td class="hide-sm nowrap">${dateTime(ctx, r.updated_at)}</td>
  </tr>`,
  )}
  </tbody>
</table>
</div>`
}
<nav class="pager" aria-label="${t('portal:list.title')}">
  ${previous ? html`<a class="button" href="/tickets${queryString({ status, q: search, sort: sortQ })}">${t('portal:list.first')}</a>` : ''}
  ${previous ? html`<a class="button" rel="prev" href="/tickets${queryString({ status, q: search, sort: sortQ, before: previous })}">← ${t('portal:list.previous')}</a>` : ''}
  ${next ? html`<a class="button" rel="next" href="/tickets${queryString({ status, q: search, sort: sortQ, after: next })}">${t('portal:list.next')} →</a>` : ''}
</nav>`,
  });
}

export function mountTicketListRoutes(r: Router<WebState>): void {
  r.get('/tickets', requireUser, listPage);
}
