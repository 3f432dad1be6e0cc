import { outagesOfCompany } from '../../app/queries/incidents.js';
import { inLanguage } from '../../domain/incident-scope.js';
import type { WebContext } from '../context.js';
import { dateTime } from '../dates.js';
import { html, type SafeHtml } from '../html.js';

/**
 * "Known outage in your area": the open public major incidents that affect one of the customer's connections,
 * shown before she files a ticket about it.
 */
export async function outageBanner(ctx: WebContext): Promise<SafeHtml | ''> {
  const { user, s, t, lang } = ctx.state;
  if (user?.role !== 'customer') return '';
  const outages = await outagesOfCompany(s.db, user.company_id);
  if (!outages.length) return '';
  return html`${outages.map(
    (o) => html`<section class="notice outage" role="status" aria-labelledby="outage-${o.id}">
<p id="outage-${o.id}"><strong>${t('portal:outage.known', { title: inLanguage(o.title, lang) })}</strong>${o.estimated_end_at ? html` ${t('portal:outage.estimate', { when: dateTime(ctx, o.estimated_end_at) })}` : ''}</p>
<p>${inLanguage(o.description, lang)}</p>
<p class="hint">${t('portal:outage.noNeed')}</p>
</section>`,
  )}`;
}
