import type Router from '@koa/router';
import {
  CANNED_ACTIONS,
  createCannedAnswer,
  deleteCannedAnswer,
  mayEditCannedAnswer,
  updateCannedAnswer,
} from '../../app/canned/canned-answers.js';
import {
  type CannedAnswer,
  usableCannedAnswer,
  usableCannedAnswers,
} from '../../app/queries/canned-answers.js';
import { PLACEHOLDERS } from '../../domain/canned-answer.js';
import { AppError, isAppError } from '../../domain/errors.js';
import type { WebContext, WebState } from '../context.js';
import {
  emptyForm,
  errorSummary,
  type FormState,
  formFromError,
  selectField,
  textArea,
  textField,
} from '../forms.js';
import { html, multiline } from '../html.js';
import { flag, formInput, formValues, idPath, paramsInput, text } from '../input.js';
import { csrfField } from '../layout.js';
import { seeOther } from '../redirect.js';
import { setFlash } from '../session.js';
import { checkbox, languageOptions } from './fields.js';
import { staffActor, staffOnly, staffUserId } from './guard.js';
import { agentPage } from './page.js';

const FIELDS = ['name', 'language', 'title', 'body', 'action', 'shared', 'active'];

async function renderList(ctx: WebContext) {
  const { t, s } = ctx.state;
  const me = staffUserId(ctx);
  const rows = await usableCannedAnswers(s.db, me);
  await agentPage(ctx, {
    title: t('canned:title'),
    section: 'canned',
    body: html`<h1>${t('canned:title')}</h1>
<p class="lead">${t('canned:intro')}</p>
<p><a class="button primary" href="/agent/canned/new">${t('canned:add')}</a></p>
${
  rows.length
    ? html`<div class="table-wrap"><table class="data"><thead><tr><th>${t('canned:name')}</th><th>${t('canned:titleField')}</th><th>${t('canned:language')}</th><th>${t('canned:action')}</th><th>${t('canned:scope')}</th><th>${t('canned:state')}</th></tr></thead><tbody>
${rows.map(
  (a) =>
    html`<tr class="${a.active ? '' : 'inactive'}"><td><a href="/agent/canned/${a.id}"><code>${a.name}</code></a></td><td>${a.title}</td><td>${t(`agent:languages.${a.language}`)}</td><td>${t(`canned:actions.${a.action}`)}</td><td>${a.owner_id === null ? t('canned:shared') : t('canned:mine')}</td><td>${a.active ? t('canned:active') : t('canned:inactive')}</td></tr>`,
)}
</tbody></table></div>`
    : html`<p class="empty">${t('canned:empty')}</p>`
}`,
  });
}

function placeholderHelp(ctx: WebContext) {
  const { t } = ctx.state;
  return html`${t('canned:bodyHint')} ${PLACEHOLDERS.map(
    (p, i) => html`${i ? ', ' : ''}<code>{{${p}}}</code> (${t(`canned:placeholders.${p}`)})`,
  )}.`;
}

async function renderForm(
  ctx: WebContext,
  f: FormState,
  o: { id?: number; status?: number; ownerId?: number | null },
) {
  const { t, user } = ctx.state;
  const isNew = o.id === undefined;
  const admin = user?.role === 'admin';
  const heading = isNew ? t('canned:add') : t('canned:edit');
  const action = isNew ? '/agent/canned' : `/agent/canned/${o.id}`;
  const csrf = await csrfField(ctx);
  await agentPage(ctx, {
    title: heading,
    section: 'canned',
    status: o.status,
    body: html`<p><a href="/agent/canned">← ${t('canned:title')}</a></p>
<h1>${heading}</h1>
<section class="card"><form method="post" action="${action}" novalidate>${csrf}${errorSummary(t, f)}
${textField(t, f, { name: 'name', label: t('canned:name'), hint: t('canned:nameHint'), required: true, maxlength: 60 })}
${selectField(t, f, { name: 'language', label: t('canned:language'), options: languageOptions(t) })}
${textField(t, f, { name: 'title', label: t('canned:titleField'), required: true, maxlength: 200 })}
${textArea(t, f, { name: 'body', label: t('canned:body'), hint: placeholderHelp(ctx), required: true, rows: 10 })}
${selectField(t, f, {
  name: 'action',
  label: t('canned:action'),
  options: CANNED_ACTIONS.map((a) => ({ value: a, label: t(`canned:actions.${a}`) })),
})}
${isNew && admin ? html`${checkbox(f, 'shared', t('canned:sharedField'))}<p class="hint">${t('canned:sharedHint')}</p>` : ''}
${!isNew ? html`<p>${t('canned:scope')}: ${o.ownerId === null ? t('canned:shared') : t('canned:personalOf')}</p>` : ''}
${checkbox(f, 'active', t('canned:active'))}
<div class="actions"><button class="button primary" type="submit">${isNew ? t('canned:create') : t('canned:save')}</button></div>
</form></section>
${
  isNew
    ? ''
    : html`<section class="card"><form method="post" action="/agent/canned/${o.id}/delete">${csrf}
<div class="actions"><button class="button danger" type="submit">${t('canned:deleteConfirm')}</button></div></form></section>`
}`,
  });
}

async function renderReadOnly(ctx: WebContext, a: CannedAnswer) {
  const { t } = ctx.state;
  await agentPage(ctx, {
    title: t('canned:view'),
    section: 'canned',
    body: html`<p><a href="/agent/canned">← ${t('canned:title')}</a></p>
<h1>${a.title} <code>${a.name}</code></h1>
<section class="card"><p class="notice info">${t('canned:readOnly')}</p><dl>
<dt>${t('canned:language')}</dt><dd>${t(`agent:languages.${a.language}`)}</dd>
<dt>${t('canned:action')}</dt><dd>${t(`canned:actions.${a.action}`)}</dd>
<dt>${t('canned:state')}</dt><dd>${a.active ? t('canned:active') : t('canned:inactive')}</dd>
<dt>${t('canned:body')}</dt><dd class="body">${multiline(a.body)}</dd>
</dl></section>`,
  });
}

const formOf = (a: CannedAnswer): FormState =>
  emptyForm({
    name: a.name,
    language: a.language,
    title: a.title,
    body: a.body,
    action: a.action,
    active: a.active ? '1' : '',
  });

async function load(ctx: WebContext): Promise<CannedAnswer> {
  const a = await usableCannedAnswer(ctx.state.s.db, staffUserId(ctx), paramsInput(ctx, idPath).id);
  if (!a) throw new AppError('not_found', 'canned:notFound');
  return a;
}

/** The use case checks the language, the action and the lengths; the edge reads what the form sent. */
const CANNED_FORM = {
  name: text,
  language: text,
  title: text,
  body: text,
  action: text,
  shared: flag,
  active: flag,
};
const input = (ctx: WebContext) => formInput(ctx, CANNED_FORM);

function done(ctx: WebContext, to: string, flash: string) {
  setFlash(ctx, flash);
  seeOther(ctx, to);
}

/** Expected errors re-render the form with what was typed; anything else is an error page. */
async function orForm(
  ctx: WebContext,
  run: () => Promise<void>,
  rerender: (f: FormState, st: number) => Promise<void>,
) {
  try {
    await run();
  } catch (err) {
    if (!isAppError(err) || !['invalid', 'conflict'].includes(err.code)) throw err;
    await rerender(formFromError(err, formValues(ctx, FIELDS)), err.code === 'conflict' ? 409 : 422);
  }
}

/** The canned answers of the agent area: every agent lists the shared ones and keeps their own; admins keep the shared. */
export function mountCanned(r: Router<WebState>): void {
  r.get('/agent/canned', staffOnly, renderList);
  r.get('/agent/canned/new', staffOnly, (ctx) =>
    renderForm(
      ctx,
      emptyForm({
        language: ctx.state.lang,
        action: 'none',
        active: '1',
        shared: ctx.state.user?.role === 'admin' ? '1' : '',
      }),
      {},
    ),
  );
  r.post('/agent/canned', staffOnly, (ctx) =>
    orForm(
      ctx,
      async () => {
        const id = await createCannedAnswer(ctx.state.s.app, staffActor(ctx), input(ctx));
        done(ctx, `/agent/canned/${id}`, 'canned:flash.created');
      },
      (f, status) => renderForm(ctx, f, { status }),
    ),
  );
  r.get('/agent/canned/:id', staffOnly, async (ctx) => {
    const a = await load(ctx);
    if (!mayEditCannedAnswer(staffActor(ctx), a.owner_id)) return renderReadOnly(ctx, a);
    await renderForm(ctx, formOf(a), { id: a.id, ownerId: a.owner_id });
  });
  r.post('/agent/canned/:id', staffOnly, async (ctx) => {
    const a = await load(ctx);
    await orForm(
      ctx,
      async () => {
        await updateCannedAnswer(ctx.state.s.app, staffActor(ctx), a.id, input(ctx));
        done(ctx, `/agent/canned/${a.id}`, 'canned:flash.updated');
      },
      (f, status) => renderForm(ctx, f, { id: a.id, status, ownerId: a.owner_id }),
    );
  });
  r.post('/agent/canned/:id/delete', staffOnly, async (ctx) => {
    const a = await load(ctx);
    await deleteCannedAnswer(ctx.state.s.app, staffActor(ctx), a.id);
    done(ctx, '/agent/canned', 'canned:flash.deleted');
  });
}
