import { incidentHead, openIncidents } from '../../app/queries/incidents.js';
import type { TicketRow } from '../../db/tables.js';
import { inLanguage } from '../../domain/incident-scope.js';
import type { WebContext } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { csrfField } from '../layout.js';

/** The ticket page's card of its major incident: which one, and the form to link or unlink it by hand. */
export async function incidentCard(ctx: WebContext, tk: TicketRow): Promise<SafeHtml | ''> {
  const { t, s, lang } = ctx.state;
  const open = await openIncidents(s.db);
  const current = tk.major_incident_id ? await incidentHead(s.db, tk.major_incident_id) : undefined;
  if (!current && (!open.length || tk.status === 'closed')) return '';
  const csrf = await csrfField(ctx);
  const action = `/agent/tickets/${tk.id}/incident`;
  return html`<section class="card" aria-labelledby="tk-incident"><h2 id="tk-incident">${t('agent:incidents.majorIncident')}</h2>
${
  current
    ? html`<p><a href="/agent/incidents/${current.id}">${inLanguage(current.title, lang)}</a> <span class="badge">${t(`agent:incidents.status_${current.status}`)}</span></p>
<form method="post" action="${action}">${csrf}<input type="hidden" name="incidentId" value=""><button class="button" type="submit">${t('agent:incidents.unlink')}</button></form>`
    : html`<form method="post" action="${action}">${csrf}<div class="field"><label for="f-incidentId">${t('agent:incidents.linkTo')}</label>
<select id="f-incidentId" name="incidentId">${open.map((i) => html`<option value="${i.id}">${inLanguage(i.title, lang)}</option>`)}</select></div>
<button class="button" type="submit">${t('agent:incidents.link')}</button></form>`
}</section>`;
}
