import type Router from '@koa/router';
import type { WebContext, WebState } from '../context.js';
import { html } from '../html.js';
import { adminOnly } from './guard.js';
import { agentPage } from './page.js';

/**
 * The admin sections, in the hub's order: the header carries one "Administración" link instead of one per
 * section, which no longer fitted on a line. A new admin page adds its row here.
 */
export const ADMIN_SECTIONS = [
  { key: 'staff', href: '/agent/admin/staff', label: 'agent:nav.staff' },
  { key: 'teams', href: '/agent/admin/teams', label: 'agent:teams.title' },
  { key: 'routing', href: '/agent/admin/routing', label: 'agent:routing.title' },
  { key: 'sla', href: '/agent/admin/sla', label: 'agent:nav.sla' },
  { key: 'mailboxes', href: '/agent/admin/mailboxes', label: 'mailboxes:nav' },
  { key: 'notifications', href: '/agent/admin/notifications', label: 'texts:nav' },
  { key: 'import', href: '/agent/admin/import', label: 'agent:nav.import' },
  { key: 'audit', href: '/agent/admin/audit', label: 'gdpr:audit.nav' },
  { key: 'webhooks', href: '/agent/admin/webhooks', label: 'webhooks:nav' },
  { key: 'apiTokens', href: '/agent/admin/api-tokens', label: 'api:nav' },
] as const;

async function renderHub(ctx: WebContext) {
  const { t } = ctx.state;
  await agentPage(ctx, {
    title: t('admin:title'),
    section: 'admin',
    body: html`<h1>${t('admin:title')}</h1>
<p class="lead">${t('admin:intro')}</p>
<ul class="admin-hub">${ADMIN_SECTIONS.map(
      (a) =>
        html`<li class="card"><h2><a href="${a.href}">${t(a.label)}</a></h2><p>${t(`admin:hint.${a.key}`)}</p></li>`,
    )}</ul>`,
  });
}

/** GET /agent/admin: every admin section with what it is for. */
export function mountAdminHub(r: Router<WebState>): void {
  r.get('/agent/admin', adminOnly, renderHub);
}
