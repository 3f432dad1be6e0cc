import type { LinkedTicket } from '../app/queries/ticket-links.js';
import { formatReference } from '../domain/reference.js';
import type { WebContext } from './context.js';
import { html, type SafeHtml } from './html.js';

/** The "Related tickets" box of a ticket page (customer or agent), or nothing when there are none. */
export function linkedTicketsSection(
  ctx: WebContext,
  links: readonly LinkedTicket[],
  href: (id: number) => string,
): SafeHtml | '' {
  if (!links.length) return '';
  const { t, s } = ctx.state;
  return html`<section class="card linked-tickets" aria-labelledby="links-title">
<h2 id="links-title">${t('links.title')}</h2>
<ul>${links.map((l) => {
    const ref = formatReference(s.config.TICKET_PREFIX, l.id);
    return html`<li data-link="${l.kind}-${l.direction}"><a href="${href(l.id)}">${t(`links.${l.kind}_${l.direction}`, { ref })}</a> · ${l.title} · <span class="badge status-${l.status}">${t(`status.${l.status}`)}</span></li>`;
  })}</ul>
</section>`;
}
