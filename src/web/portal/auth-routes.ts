import type Router from '@koa/router';
import { z } from 'zod';
import { authenticate } from '../../app/accounts/authenticate.js';
import {
  changePassword,
  requestPasswordReset,
  resetPassword,
  resetTokenUser,
} from '../../app/accounts/change-password.js';
import { AppError, isAppError } from '../../domain/errors.js';
import { isLang } from '../../i18n/i18n.js';
import { PASSWORD_CHANGE_PATH, requireUser, safeNext } from '../auth.js';
import type { WebContext, WebState } from '../context.js';
import { HTTP_STATUS } from '../errors.js';
import { formError } from '../form-error.js';
import { emptyForm, errorSummary, type FormState, textField } from '../forms.js';
import { html } from '../html.js';
import { formInput, formValues, paramsInput, pathToken, queryInput, text } from '../input.js';
import { csrfField, renderPage } from '../layout.js';
import { mayMail } from '../mail-limits.js';
import { seeOther } from '../redirect.js';
import { endOtherSessions, endSession, setFlash, startUserSession } from '../session.js';
import { pageTranslator } from '../translate.js';
import { clearLoginFailures, loginRetryAfter, recordLoginFailure } from './login-limiter.js';
import { OIDC_START_PATH } from './oidc-routes.js';

/** Where to go after the form (checked by safeNext). */
const NEXT = { next: z.string().optional().catch(undefined) };

const NEW_PASSWORD = { password: text, confirm: text };
const PASSWORDS = { current: text, ...NEW_PASSWORD };
const FORGOT = { email: z.string().trim().min(1, { error: 'validation.emailInvalid' }) };

const minutes = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));

async function loginPage(ctx: WebContext, f: FormState, status = 200): Promise<void> {
  const { t } = ctx.state;
  const next = safeNext(queryInput(ctx, NEXT).next ?? f.values.next, '');
  await renderPage(ctx, {
    title: t('portal:login.title'),
    narrow: true,
    status,
    body: html`<section class="card">
  <h1>${t('portal:login.title')}</h1>
  <p class="lead">${t('portal:login.intro')}</p>
  ${errorSummary(t, f)}
  <form method="post" action="/login" novalidate>
    ${await csrfField(ctx)}
    ${next ? html`<input type="hidden" name="next" value="${next}">` : ''}
    ${textField(t, f, { name: 'email', label: t('portal:fields.email'), type: 'email', autocomplete: 'username', required: true })}
    ${textField(t, f, { name: 'password', label: t('portal:fields.password'), type: 'password', autocomplete: 'current-password', required: true })}
    <div class="actions"><button class="button primary" type="submit">${t('portal:login.submit')}</button></div>
  </form>
  <p class="secondary-link"><a href="/password/forgot">${t('portal:login.forgot')}</a></p>
  ${ssoButton(ctx, next)}
</section>`,
  });
}

/** The way in for staff when single sign-on is configured. */
function ssoButton(ctx: WebContext, next: string) {
  const { t, s } = ctx.state;
  if (!s.config.oidc) return '';
  const href = next ? `${OIDC_START_PATH}?next=${encodeURIComponent(next)}` : OIDC_START_PATH;
  return html`<div class="secondary-link">
    <p>${t('sso:staffIntro')}</p>
    <p><a class="button" href="${href}">${t('sso:button', { provider: s.config.oidc.label })}</a></p>
  </div>`;
}

/** The refusal of a staff password when STAFF_PASSWORD_LOGIN=off: the form again, in the account's language. */
function staffPasswordRefused(ctx: WebContext, err: AppError, values: Record<string, string>): FormState {
  const language = err.params.language;
  if (isLang(language)) {
    ctx.state.lang = language;
    ctx.state.t = pageTranslator(language);
  }
  const provider = ctx.state.s.config.oidc?.label ?? '';
  return { values, errors: {}, message: { key: err.messageKey, params: { provider } } };
}

function passwordFields(ctx: WebContext, f: FormState, withCurrent: boolean) {
  const { t } = ctx.state;
  return html`${withCurrent ? textField(t, f, { name: 'current', label: t('portal:password.current'), type: 'password', autocomplete: 'current-password', required: true }) : ''}
    ${textField(t, f, { name: 'password', label: t('portal:password.new'), type: 'password', autocomplete: 'new-password', required: true, hint: t('portal:password.rules') })}
    ${textField(t, f, { name: 'confirm', label: t('portal:password.confirm'), type: 'password', autocomplete: 'new-password', required: true })}`;
}

async function changePage(ctx: WebContext, f: FormState, status = 200): Promise<void> {
  const { t, user } = ctx.state;
  const forced = Boolean(user?.must_change_password);
  const next = safeNext(queryInput(ctx, NEXT).next ?? f.values.next, '');
  await renderPage(ctx, {
    title: t('portal:password.changeTitle'),
    narrow: true,
    status,
    body: html`<section class="card">
  <h1>${t('portal:password.changeTitle')}</h1>
  ${forced ? html`<p class="notice info">${t('portal:password.forcedIntro')}</p>` : ''}
  ${errorSummary(t, f)}
  <form method="post" action="${PASSWORD_CHANGE_PATH}" novalidate>
    ${await csrfField(ctx)}
    ${next ? html`<input type="hidden" name="next" value="${next}">` : ''}
    ${passwordFields(ctx, f, true)}
    <div class="actions"><button class="button primary" type="submit">${t('portal:password.save')}</button></div>
  </form>
</section>`,
  });
}

async function forgotPage(ctx: WebContext, f: FormState, sent = false, status = 200): Promise<void> {
  const { t } = ctx.state;
  await renderPage(ctx, {
    title: t('portal:reset.title'),
    narrow: true,
    status,
    body: html`<section class="card">
  <h1>${t('portal:reset.title')}</h1>
  ${
    sent
      ? html`<p class="notice success" role="status">${t('portal:reset.sent')}</p>`
      : html`<p class="lead">${t('portal:reset.intro')}</p>
  ${errorSummary(t, f)}
  <form method="post" action="/password/forgot" novalidate>
    ${await csrfField(ctx)}
    ${textField(t, f, { name: 'email', label: t('portal:fields.email'), type: 'email', autocomplete: 'username', required: true })}
    <div class="actions"><button class="button primary" type="submit">${t('portal:reset.submit')}</button></div>
  </form>`
  }
  <p class="secondary-link"><a href="/login">${t('portal:reset.backToLogin')}</a></p>
</section>`,
  });
}

async function resetPage(ctx: WebContext, token: string, f: FormState, status = 200): Promise<void> {
  const { t } = ctx.state;
  await renderPage(ctx, {
    title: t('portal:reset.newTitle'),
    narrow: true,
    status,
    body: html`<section class="card">
  <h1>${t('portal:reset.newTitle')}</h1>
  ${errorSummary(t, f)}
  <form method="post" action="/password/reset/${token}" novalidate>
    ${await csrfField(ctx)}
    ${passwordFields(ctx, f, false)}
    <div class="actions"><button class="button primary" type="submit">${t('portal:password.save')}</button></div>
  </form>
</section>`,
  });
}

export function mountAuthRoutes(r: Router<WebState>): void {
  r.get('/login', async (ctx) => {
    if (ctx.state.user) return ctx.redirect('/');
    await loginPage(ctx, emptyForm());
  });

  r.post('/login', async (ctx) => {
    const { s } = ctx.state;
    const { email, password, next } = formInput(ctx, { email: text, password: text, next: text });
    const values = { email, next };
    const wait = await loginRetryAfter(s, email, ctx.ip);
    const limited = (ms: number) => {
      const err = new AppError('rate_limited', 'portal:login.rateLimited', {
        params: { minutes: minutes(ms) },
      });
      const { status, form } = formError(err, values);
      return loginPage(ctx, form, status);
    };
    if (wait > 0) return limited(wait);
    let userId: number;
    try {
      userId = await authenticate(s.app, email, password, {
        staffPasswordLogin: s.config.STAFF_PASSWORD_LOGIN,
      });
    } catch (err) {
      if (isAppError(err) && err.code === 'forbidden')
        return loginPage(ctx, staffPasswordRefused(ctx, err, values), HTTP_STATUS.forbidden);
      const { status, form } = formError(err, values, ['unauthorized']);
      const blockedFor = await recordLoginFailure(s, email, ctx.ip);
      if (blockedFor > 0) return limited(blockedFor);
      return loginPage(ctx, form, status);
    }
    await clearLoginFailures(s, email, ctx.ip);
    await startUserSession(ctx, userId);
    seeOther(ctx, safeNext(next, '/'));
  });

  r.post('/logout', async (ctx) => {
    await endSession(ctx);
    seeOther(ctx, '/login');
  });

  r.get(PASSWORD_CHANGE_PATH, requireUser, (ctx) => changePage(ctx, emptyForm()));
  r.post(PASSWORD_CHANGE_PATH, requireUser, async (ctx) => {
    const user = ctx.state.user!;
    const { next, ...passwords } = formInput(ctx, { next: text, ...PASSWORDS });
    try {
      await changePassword(ctx.state.s.app, user.id, passwords);
    } catch (err) {
      const { status, form } = formError(err, { next }, ['invalid']);
      return changePage(ctx, form, status);
    }
    await endOtherSessions(ctx, user.id);
    setFlash(ctx, 'portal:password.changed');
    seeOther(ctx, safeNext(next, '/'));
  });

  r.get('/password/forgot', (ctx) => forgotPage(ctx, emptyForm()));
  r.post('/password/forgot', async (ctx) => {
    let email: string;
    try {
      ({ email } = formInput(ctx, FORGOT));
    } catch (err) {
      const { status, form } = formError(err, formValues(ctx, ['email']), ['invalid']);
      return forgotPage(ctx, form, false, status);
    }
    const { s } = ctx.state;
    if (await mayMail(s, 'reset', email, { ip: ctx.ip })) await requestPasswordReset(s.app, email);
    await forgotPage(ctx, emptyForm(), true);
  });

  r.get('/password/reset/:token', async (ctx) => {
    const { s } = ctx.state;
    const { token } = paramsInput(ctx, { token: pathToken });
    const userId = await resetTokenUser(s.app, s.config.SECRET, token);
    if (!userId) throw new AppError('not_found', 'portal:reset.linkInvalid');
    await resetPage(ctx, token, emptyForm());
  });
  r.post('/password/reset/:token', async (ctx) => {
    const { s } = ctx.state;
    const { token } = paramsInput(ctx, { token: pathToken });
    try {
      const userId = await resetPassword(s.app, s.config.SECRET, token, formInput(ctx, NEW_PASSWORD));
      await endOtherSessions(ctx, userId);
    } catch (err) {
      const { status, form } = formError(err, {}, ['invalid']);
      return resetPage(ctx, token, form, status);
    }
    setFlash(ctx, 'portal:reset.done');
    seeOther(ctx, '/login');
  });
}
