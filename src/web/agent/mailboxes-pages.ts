import type Router from '@koa/router';
import { createMailbox, type MailboxOptions, updateMailbox } from '../../app/agent/mailboxes.js';
import { listMailboxes, mailboxById, mailboxSecret, teamChoices } from '../../app/queries/mailboxes.js';
import { AppError, isAppError } from '../../domain/errors.js';
import { SecretBoxError, unseal } from '../../infra/secret-box.js';
import type { ComponentHealth } from '../../runtime/health.js';
import { probeImapAccount } from '../../runtime/mail-probes.js';
import type { WebContext, WebState } from '../context.js';
import { emptyForm, type FormState, formFromError } from '../forms.js';
import { html } from '../html.js';
import { idPath, paramsInput } from '../input.js';
import { csrfField } from '../layout.js';
import { seeOther } from '../redirect.js';
import { setFlash } from '../session.js';
import { adminOnly, staffActor } from './guard.js';
import { formValues, mailboxForm, parseMailboxForm, storedValues } from './mailbox-form.js';
import { agentPage } from './page.js';

const LIST = '/agent/admin/mailboxes';

const options = (ctx: WebContext): MailboxOptions => ({
  secret: ctx.state.s.config.SECRET,
  envAddress: ctx.state.s.config.SUPPORT_ADDRESS,
});

async function renderList(ctx: WebContext) {
  const { t, s } = ctx.state;
  const rows = await listMailboxes(s.db);
  const c = s.config;
  const receiving = (imap: string | null, folders: string[]) =>
    imap ? `${imap} · ${folders.join(', ')}` : t('mailboxes:list.throughAnother');
  await agentPage(ctx, {
    title: t('mailboxes:title'),
    section: 'mailboxes',
    body: html`<div class="page-head"><h1>${t('mailboxes:title')}</h1><a class="button primary" href="${LIST}/new">${t('mailboxes:list.add')}</a></div>
<p class="lead">${t('mailboxes:list.intro', { seconds: c.MAILBOX_REFRESH_SECONDS })}</p>
<div class="table-wrap"><table class="data"><thead><tr><th>${t('mailboxes:form.address')}</th><th>${t('mailboxes:form.displayName')}</th><th>${t('mailboxes:list.receiving')}</th><th>${t('mailboxes:form.defaultTeam')}</th><th>${t('agent:accounts.state')}</th></tr></thead><tbody>
<tr><td>${c.SUPPORT_ADDRESS}</td><td>${c.SUPPORT_NAME ?? t('mailboxes:list.defaultName')}</td><td>${receiving(c.imapEnabled ? (c.IMAP_HOST ?? null) : null, c.IMAP_MAILBOXES)}</td><td></td><td>${t('mailboxes:list.fromEnvironment')}</td></tr>
${rows.map(
  (m) =>
    html`<tr class="${m.active ? '' : 'inactive'}"><td><a href="${LIST}/${m.id}">${m.address}</a></td><td>${m.display_name}</td><td>${receiving(m.imap_host, m.imap_folders)}</td><td>${m.team_name ?? ''}</td><td>${m.active ? t('agent:accounts.active') : t('agent:accounts.inactive')}</td></tr>`,
)}
</tbody></table></div>`,
  });
}

async function renderNew(ctx: WebContext, form: FormState, status = 200) {
  const { t, s } = ctx.state;
  await agentPage(ctx, {
    title: t('mailboxes:list.add'),
    section: 'mailboxes',
    status,
    body: html`<p><a href="${LIST}">${t('mailboxes:back')}</a></p><h1>${t('mailboxes:list.add')}</h1>
${await mailboxForm(ctx, form, {
  action: LIST,
  submitLabel: t('mailboxes:list.add'),
  teams: await teamChoices(s.db, null),
  hasPassword: false,
})}`,
  });
}

async function renderEdit(
  ctx: WebContext,
  id: number,
  form?: FormState,
  status = 200,
  tested?: ComponentHealth,
) {
  const { t, s } = ctx.state;
  const m = await mailboxById(s.db, id);
  if (!m) throw new AppError('not_found', 'mailboxes:errors.notFound');
  const f = form ?? emptyForm(storedValues(m));
  await agentPage(ctx, {
    title: m.address,
    section: 'mailboxes',
    status,
    body: html`<p><a href="${LIST}">${t('mailboxes:back')}</a></p><h1>${m.address}</h1>
${
  tested
    ? html`<div class="notice ${tested.ok ? 'success' : 'error'}" role="${tested.ok ? 'status' : 'alert'}" id="connection-test">${t(tested.ok ? 'mailboxes:test.ok' : 'mailboxes:test.failed')}<br><code>${tested.detail ?? ''}</code>${Object.entries(
        tested.components ?? {},
      ).map(([name, c]) => html`<br><code>${name}: ${c.detail ?? ''}</code>`)}</div>`
    : ''
}
${await mailboxForm(ctx, f, {
  action: `${LIST}/${id}`,
  submitLabel: t('mailboxes:save'),
  teams: await teamChoices(s.db, m.default_team_id),
  hasPassword: m.has_password,
})}
${
  m.imap_host
    ? html`<form method="post" action="${LIST}/${id}/test" class="card">${await csrfField(ctx)}<p class="hint">${t('mailboxes:test.hint')}</p><button class="button" type="submit">${t('mailboxes:test.button')}</button></form>`
    : ''
}`,
  });
}

/** Runs a save: expected errors re-render the form with what was typed (never the password). */
async function save(
  ctx: WebContext,
  run: () => Promise<string>,
  rerender: (f: FormState, status: number) => Promise<void>,
) {
  try {
    const to = await run();
    setFlash(ctx, 'agent:flash.saved');
    seeOther(ctx, to);
  } catch (err) {
    if (!isAppError(err) || !['invalid', 'conflict'].includes(err.code)) throw err;
    await rerender(formFromError(err, formValues(ctx)), err.code === 'conflict' ? 409 : 422);
  }
}

export function mountMailboxes(r: Router<WebState>): void {
  r.get(LIST, adminOnly, (ctx) => renderList(ctx));
  r.get(`${LIST}/new`, adminOnly, (ctx) =>
    renderNew(ctx, emptyForm({ active: '1', imapSecure: '1', imapPort: '993', folders: 'INBOX' })),
  );
  r.post(LIST, adminOnly, (ctx) =>
    save(
      ctx,
      async () => {
        await createMailbox(ctx.state.s.app, staffActor(ctx), parseMailboxForm(ctx), options(ctx));
        return LIST;
      },
      (f, status) => renderNew(ctx, f, status),
    ),
  );
  r.get(`${LIST}/:id`, adminOnly, (ctx) => renderEdit(ctx, paramsInput(ctx, idPath).id));
  r.post(`${LIST}/:id`, adminOnly, (ctx) => {
    const id = paramsInput(ctx, idPath).id;
    return save(
      ctx,
      async () => {
        await updateMailbox(ctx.state.s.app, staffActor(ctx), id, parseMailboxForm(ctx), options(ctx));
        return `${LIST}/${id}`;
      },
      (f, status) => renderEdit(ctx, id, f, status),
    );
  });
  r.post(`${LIST}/:id/test`, adminOnly, async (ctx) => {
    const { s } = ctx.state;
    const id = paramsInput(ctx, idPath).id;
    const m = await mailboxById(s.db, id);
    if (!m) throw new AppError('not_found', 'mailboxes:errors.notFound');
    const sealed = await mailboxSecret(s.db, id);
    let tested: ComponentHealth;
    try {
      tested = m.imap_host
        ? await probeImapAccount({
            host: m.imap_host,
            port: m.imap_port,
            secure: m.imap_secure,
            user: m.imap_user ?? '',
            password: sealed ? unseal(s.config.SECRET, sealed) : '',
            folders: m.imap_folders,
          })
        : { ok: false, detail: 'no IMAP account' };
    } catch (err) {
      if (!(err instanceof SecretBoxError)) throw err;
      tested = { ok: false, detail: err.message };
    }
    await renderEdit(ctx, id, undefined, 200, tested);
  });
}
