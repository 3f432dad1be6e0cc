import type Router from '@koa/router';
import { z } from 'zod';
import { createApiToken, revokeApiToken } from '../../app/api/tokens.js';
import { listApiTokens } from '../../app/queries/api-tokens.js';
import { API_SCOPES, type ApiScope } from '../../domain/api-token.js';
import { isAppError } from '../../domain/errors.js';
import type { WebContext, WebState } from '../context.js';
import { emptyForm, errorSummary, type FormState, formFromError, textField } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { idPath, paramsInput } from '../input.js';
import { csrfField } from '../layout.js';
import { seeOther } from '../redirect.js';
import { setFlash } from '../session.js';
import { formBody, manyTexts, oneText } from './form-body.js';
import { when } from './format.js';
import { adminOnly, staffActor } from './guard.js';
import { agentPage } from './page.js';

const PATH = '/agent/admin/api-tokens';
const tokenSchema = z.object({ name: oneText, scopes: manyTexts });

const SCOPE_LABEL: Record<ApiScope, string> = {
  read: 'api:tokens.scope.read',
  'tickets:write': 'api:tokens.scope.ticketsWrite',
  admin: 'api:tokens.scope.admin',
};

/** The scope boxes, as a group with its legend and error. */
function scopesField(ctx: WebContext, f: FormState, chosen: readonly string[]): SafeHtml {
  const { t } = ctx.state;
  const err = f.errors.scopes;
  return html`<fieldset class="field radios${err ? ' has-error' : ''}"${err ? html` aria-describedby="f-scopes-error"` : ''}>
<legend>${t('api:tokens.scopes')}</legend>
${API_SCOPES.map(
  (s, i) =>
    html`<label class="radio"><input type="checkbox" name="scopes" value="${s}"${i === 0 ? html` id="f-scopes"` : ''}${chosen.includes(s) ? html` checked` : ''}> <code>${s}</code> — ${t(SCOPE_LABEL[s])}</label>`,
)}
${err ? html`<p class="field-error" id="f-scopes-error">${t(err)}</p>` : ''}
</fieldset>`;
}

/** The list of tokens and the form for a new one; `created` shows a new token's value, this once. */
async function renderTokens(
  ctx: WebContext,
  o: {
    form?: FormState;
    scopes?: readonly string[];
    created?: { name: string; token: string };
    status?: number;
  } = {},
): Promise<void> {
  const { t, s } = ctx.state;
  const tokens = await listApiTokens(s.db);
  const form = o.form ?? emptyForm();
  const csrf = await csrfField(ctx);
  const created = o.created
    ? html`<section class="card" aria-labelledby="created-title"><h2 id="created-title">${t('api:tokens.createdTitle')}: ${o.created.name}</h2>
<p class="notice info" role="status">${t('api:tokens.createdHint')}</p>
<div class="field"><label for="new-token">${t('api:tokens.token')}</label>
<input id="new-token" type="text" readonly value="${o.created.token}" autocomplete="off" spellcheck="false"></div>
</section>`
    : '';
  const rows = tokens.map(
    (k) => html`<tr class="${k.revoked_at ? 'inactive' : ''}"><th scope="row">${k.name}</th>
<td>${k.scopes.map((sc, i) => html`${i ? ', ' : ''}<code>${sc}</code>`)}</td>
<td><code>${k.token_prefix}…</code></td>
<td>${k.created_by_name}</td>
<td>${when(ctx, k.created_at)}</td>
<td>${k.last_used_at ? when(ctx, k.last_used_at) : t('api:tokens.never')}</td>
<td>${k.revoked_at ? t('api:tokens.revoked', { date: when(ctx, k.revoked_at) }) : t('api:tokens.active')}</td>
<td class="row-actions">${
      k.revoked_at
        ? '—'
        : html`<form method="post" action="${PATH}/${k.id}/revoke">${csrf}<button class="button danger" type="submit" aria-label="${t('api:tokens.revoke')}: ${k.name}">${t('api:tokens.revoke')}</button></form>`
    }</td></tr>`,
  );
  await agentPage(ctx, {
    title: t('api:tokens.title'),
    section: 'apiTokens',
    status: o.status,
    body: html`<h1>${t('api:tokens.title')}</h1>
<p class="lead">${t('api:tokens.intro')} <a href="/api/v1/docs">${t('api:tokens.docs')}</a>.</p>
${created}
<section class="card" aria-labelledby="tokens-title"><h2 id="tokens-title">${t('api:tokens.list')}</h2>
${
  tokens.length
    ? html`<div class="table-wrap"><table class="data" tabindex="0"><caption class="visually-hidden">${t('api:tokens.list')}</caption>
<thead><tr><th scope="col">${t('api:tokens.name')}</th><th scope="col">${t('api:tokens.scopes')}</th><th scope="col">${t('api:tokens.prefix')}</th><th scope="col">${t('api:tokens.createdBy')}</th><th scope="col">${t('api:tokens.createdAt')}</th><th scope="col">${t('api:tokens.lastUsed')}</th><th scope="col">${t('api:tokens.state')}</th><th scope="col">${t('api:tokens.actions')}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
    : html`<p class="empty">${t('api:tokens.empty')}</p>`
}
</section>
<section class="card" aria-labelledby="new-token-title"><h2 id="new-token-title">${t('api:tokens.create')}</h2>
<form method="post" action="${PATH}" novalidate>${csrf}${errorSummary(t, form)}
${textField(t, form, { name: 'name', label: t('api:tokens.name'), hint: t('api:tokens.nameHint'), required: true, maxlength: 80 })}
${scopesField(ctx, form, o.scopes ?? ['read'])}
<div class="actions"><button class="button primary" type="submit">${t('api:tokens.create')}</button></div></form>
</section>`,
  });
}

/** API tokens (admins): create one (its value shown once), list them, revoke. */
export function mountApiTokens(r: Router<WebState>): void {
  r.get(PATH, adminOnly, (ctx) => renderTokens(ctx));
  // The new token's value is shown in this answer and never stored anywhere (not even in the session's flash),
  // so this POST renders the page instead of redirecting.
  r.post(PATH, adminOnly, async (ctx) => {
    const v = formBody(ctx, tokenSchema);
    try {
      const { token } = await createApiToken(ctx.state.s.app, staffActor(ctx), v);
      await renderTokens(ctx, { created: { name: v.name.trim(), token } });
    } catch (err) {
      if (!isAppError(err) || err.code !== 'invalid') throw err;
      await renderTokens(ctx, { form: formFromError(err, { name: v.name }), scopes: v.scopes, status: 422 });
    }
  });
  r.post(`${PATH}/:id/revoke`, adminOnly, async (ctx) => {
    await revokeApiToken(ctx.state.s.app, staffActor(ctx), paramsInput(ctx, idPath).id);
    setFlash(ctx, 'api:tokens.revokedFlash');
    seeOther(ctx, PATH);
  });
}
