import type Router from '@koa/router';
import { changePassword } from '../../app/accounts/change-password.js';
import {
  confirmEmailChange,
  emailChangeOf,
  emailUndoOf,
  notifySelfOf,
  PAGE_SIZES,
  timeZones,
  undoEmailChange,
  updatePreferences,
  updateProfile,
} from '../../app/accounts/profile.js';
import { LANGUAGES } from '../../config/config.js';
import { requireUser } from '../auth.js';
import type { WebContext, WebState } from '../context.js';
import { formError } from '../form-error.js';
import { emptyForm, errorSummary, type FormState, selectField, textField } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import {
  flag,
  formInput,
  formValues,
  paramsInput,
  pathToken,
  queryChoice,
  queryInput,
  text,
} from '../input.js';
import { csrfField, renderPage } from '../layout.js';
import { mayMail } from '../mail-limits.js';
import { seeOther } from '../redirect.js';
import { endOtherSessions, endSession, setFlash } from '../session.js';

const TABS = ['main', 'password', 'personalization'] as const;
type Tab = (typeof TABS)[number];

async function profilePage(ctx: WebContext, tab: Tab, given?: FormState, status = 200): Promise<void> {
  const { t, user } = ctx.state;
  const u = user!;
  const tabs = html`<nav class="tabs" aria-label="${t('portal:profile.tabs')}">${TABS.map(
    (k) =>
      html`<a href="/profile?tab=${k}"${k === tab ? html` aria-current="page"` : ''}>${t(`portal:profile.${k}`)}</a>`,
  )}</nav>`;
  let form: SafeHtml;
  if (tab === 'main') {
    const f = given ?? emptyForm({ name: u.name, email: u.email, phone: u.phone ?? '' });
    form = html`<form method="post" action="/profile/main" novalidate>
    ${await csrfField(ctx)}
    ${errorSummary(t, f)}
    ${textField(t, f, { name: 'name', label: t('portal:fields.name'), required: true, autocomplete: 'name' })}
    ${textField(t, f, { name: 'email', label: t('portal:fields.email'), type: 'email', required: true, autocomplete: 'email' })}
    ${textField(t, f, { name: 'phone', label: t('portal:fields.phone'), type: 'tel', autocomplete: 'tel' })}
    <div class="actions"><button class="button primary" type="submit">${t('portal:profile.save')}</button></div>
  </form>`;
  } else if (tab === 'password') {
    const f = given ?? emptyForm();
    form = html`<form method="post" action="/profile/password" novalidate>
    ${await csrfField(ctx)}
    ${errorSummary(t, f)}
    ${textField(t, f, { name: 'current', label: t('portal:password.current'), type: 'password', required: true, autocomplete: 'current-password' })}
    ${textField(t, f, { name: 'password', label: t('portal:password.new'), type: 'password', required: true, autocomplete: 'new-password', hint: t('portal:password.rules') })}
    ${textField(t, f, { name: 'confirm', label: t('portal:password.confirm'), type: 'password', required: true, autocomplete: 'new-password' })}
    <div class="actions"><button class="button primary" type="submit">${t('portal:password.save')}</button></div>
  </form>`;
  } else {
    const f =
      given ??
      emptyForm({
        language: u.language,
        timeZone: u.time_zone,
        pageSize: String(u.page_size),
        notifySelf: (await notifySelfOf(ctx.state.s.app, u.id)) ? '1' : '',
      });
    form = html`<form method="post" action="/profile/personalization" novalidate>
    ${await csrfField(ctx)}
    ${errorSummary(t, f)}
    ${selectField(t, f, {
      name: 'language',
      label: t('portal:profile.language'),
      options: LANGUAGES.map((l) => ({
        value: l,
        label: t(`portal:languages.${l}`),
        attrs: html` lang="${l}"`,
      })),
    })}
    ${selectField(t, f, {
      name: 'timeZone',
      label: t('portal:profile.timeZone'),
      options: timeZones().map((z) => ({ value: z, label: z.replace(/_/g, ' ') })),
    })}
    ${selectField(t, f, {
      name: 'pageSize',
      label: t('portal:profile.pageSize'),
      options: PAGE_SIZES.map((n) => ({ value: String(n), label: String(n) })),
    })}
    <div class="field radios">
      <label class="radio"><input type="checkbox" name="notifySelf" value="1" aria-describedby="f-notifySelf-hint"${f.values.notifySelf ? html` checked` : ''}> ${t('portal:profile.notifySelf')}</label>
      <p class="hint" id="f-notifySelf-hint">${t('portal:profile.notifySelfHint')}</p>
    </div>
    <div class="actions"><button class="button primary" type="submit">${t('portal:profile.save')}</button></div>
  </form>`;
  }
  await renderPage(ctx, {
    title: t('portal:profile.title'),
    nav: 'profile',
    status,
    body: html`<div class="page-head"><h1>${t('portal:profile.title')}</h1></div>
${tabs}
<section class="card">${form}</section>`,
  });
}

const TAB_QUERY = { tab: queryChoice(TABS, 'main') };
const PASSWORDS = { current: text, password: text, confirm: text };
const TOKEN = { token: pathToken };

async function saving(ctx: WebContext, tab: Tab, values: Record<string, string>, act: () => Promise<void>) {
  try {
    await act();
  } catch (err) {
    const { status, form } = formError(err, values, ['invalid']);
    return profilePage(ctx, tab, form, status);
  }
  seeOther(ctx, `/profile?tab=${tab}`);
}

export function mountProfileRoutes(r: Router<WebState>): void {
  r.get('/profile', requireUser, (ctx) => {
    const { tab } = queryInput(ctx, TAB_QUERY);
    return profilePage(ctx, tab);
  });

  r.post('/profile/main', requireUser, (ctx) => {
    const values = formInput(ctx, { name: text, email: text, phone: text });
    return saving(ctx, 'main', values, async () => {
      const { s, user } = ctx.state;
      const { pendingEmail } = await updateProfile(s.app, user!.id, values, (to) =>
        mayMail(s, 'email-change', to, { userId: user!.id }),
      );
      if (pendingEmail) setFlash(ctx, 'portal:profile.emailPending', { email: pendingEmail });
      else setFlash(ctx, 'portal:profile.saved');
    });
  });

  r.post('/profile/password', requireUser, (ctx) =>
    saving(ctx, 'password', {}, async () => {
      const id = ctx.state.user!.id;
      await changePassword(ctx.state.s.app, id, formInput(ctx, PASSWORDS));
      await endOtherSessions(ctx, id);
      setFlash(ctx, 'portal:password.changed');
    }),
  );

  r.post('/profile/personalization', requireUser, (ctx) => {
    const values = formValues(ctx, ['language', 'timeZone', 'pageSize', 'notifySelf']);
    return saving(ctx, 'personalization', values, async () => {
      const prefs = formInput(ctx, { language: text, timeZone: text, pageSize: text, notifySelf: flag });
      await updatePreferences(ctx.state.s.app, ctx.state.user!.id, prefs);
      setFlash(ctx, 'portal:profile.saved');
    });
  });

  mountEmailLinkRoutes(r);
}

/** A page asking before a link acts: mail scanners and link previews only ever GET, and change nothing. */
async function askPage(ctx: WebContext, title: string, intro: string, button: string): Promise<void> {
  await renderPage(ctx, {
    title,
    narrow: true,
    body: html`<section class="card">
  <h1>${title}</h1>
  <p>${intro}</p>
  <form method="post" action="${ctx.path}">
    ${await csrfField(ctx)}
    <div class="actions"><button class="button primary" type="submit">${button}</button></div>
  </form>
</section>`,
  });
}

/** The links of the email-change mails. They work signed in or not: the link in the mail is the proof. */
function mountEmailLinkRoutes(r: Router<WebState>): void {
  r.get('/profile/email/confirm/:token', async (ctx) => {
    const { s, t } = ctx.state;
    const { newEmail } = await emailChangeOf(s.app, s.config.SECRET, paramsInput(ctx, TOKEN).token);
    await askPage(
      ctx,
      t('portal:security.emailConfirmTitle'),
      t('portal:security.emailConfirmIntro', { email: newEmail }),
      t('portal:security.emailConfirmButton'),
    );
  });
  r.post('/profile/email/confirm/:token', async (ctx) => {
    const { s, t } = ctx.state;
    await confirmEmailChange(s.app, s.config.SECRET, paramsInput(ctx, TOKEN).token);
    if (ctx.state.user) {
      setFlash(ctx, 'portal:profile.emailConfirmed');
      return seeOther(ctx, '/profile');
    }
    await renderPage(ctx, {
      title: t('portal:profile.emailConfirmed'),
      narrow: true,
      body: html`<section class="card"><p class="notice success" role="status">${t('portal:profile.emailConfirmed')}</p><p><a class="button primary" href="/login">${t('portal:login.title')}</a></p></section>`,
    });
  });

  r.get('/profile/email/undo/:token', async (ctx) => {
    const { s, t } = ctx.state;
    const { oldEmail } = await emailUndoOf(s.app, s.config.SECRET, paramsInput(ctx, TOKEN).token);
    await askPage(
      ctx,
      t('portal:security.emailUndoTitle'),
      t('portal:security.emailUndoIntro', { email: oldEmail }),
      t('portal:security.emailUndoButton'),
    );
  });
  r.post('/profile/email/undo/:token', async (ctx) => {
    const { s, t } = ctx.state;
    const { token } = paramsInput(ctx, TOKEN);
    const { userId, oldEmail } = await undoEmailChange(s.app, s.config.SECRET, token);
    // Every session of the account is gone; this browser's too when it was signed in to it.
    if (ctx.state.user?.id === userId) await endSession(ctx);
    await renderPage(ctx, {
      title: t('portal:security.emailUndoTitle'),
      narrow: true,
      body: html`<section class="card"><p class="notice success" role="status">${t('portal:security.emailUndone', { email: oldEmail })}</p><p><a class="button primary" href="/password/forgot">${t('portal:login.forgot')}</a></p></section>`,
    });
  });
}
