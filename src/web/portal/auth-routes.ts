import type Router from '@koa/router';
import { authenticate } from '../../app/accounts/authenticate.js';
import {
  changePassword,
  requestPasswordReset,
  resetPassword,
  resetTokenUser,
} from '../../app/accounts/change-password.js';
import { AppError, isAppError } from '../../domain/errors.js';
import { PASSWORD_CHANGE_PATH, requireUser, safeNext } from '../auth.js';
import { field } from '../body.js';
import type { WebContext, WebState } from '../context.js';
import { emptyForm, errorSummary, type FormState, formFromError, textField } from '../forms.js';
import { html } from '../html.js';
import { csrfField, renderPage } from '../layout.js';
import { mayMail } from '../mail-limits.js';
import { endOtherSessions, endSession, setFlash, startUserSession } from '../session.js';
import { clearLoginFailures, loginRetryAfter, recordLoginFailure } from './login-limiter.js';

const minutes = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));

async function loginPage(ctx: WebContext, f: FormState, status = 200): Promise<void> {
  const { t } = ctx.state;
  const next = safeNext(ctx.query.next ?? f.values.next, '');
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
</section>`,
  });
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
  const next = safeNext(ctx.query.next ?? f.values.next, '');
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

async function forgotPage(ctx: WebContext, f: FormState, sent = false): Promise<void> {
  const { t } = ctx.state;
  await renderPage(ctx, {
    title: t('portal:reset.title'),
    narrow: true,
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
    const email = field(ctx, 'email');
    const values = { email, next: field(ctx, 'next') };
    const wait = await loginRetryAfter(s, email, ctx.ip);
    const limited = (ms: number) =>
      loginPage(
        ctx,
        {
          values,
          errors: {},
          message: { key: 'portal:login.rateLimited', params: { minutes: minutes(ms) } },
        },
        429,
      );
    if (wait > 0) return limited(wait);
    let userId: number;
    try {
      userId = await authenticate(s.app, email, field(ctx, 'password'));
    } catch (err) {
      if (!isAppError(err)) throw err;
      const blockedFor = await recordLoginFailure(s, email, ctx.ip);
      if (blockedFor > 0) return limited(blockedFor);
      return loginPage(ctx, formFromError(err, values), 401);
    }
    await clearLoginFailures(s, email, ctx.ip);
    await startUserSession(ctx, userId);
    ctx.redirect(safeNext(values.next, '/'));
  });

  r.post('/logout', async (ctx) => {
    await endSession(ctx);
    ctx.redirect('/login');
  });

  r.get(PASSWORD_CHANGE_PATH, requireUser, (ctx) => changePage(ctx, emptyForm()));
  r.post(PASSWORD_CHANGE_PATH, requireUser, async (ctx) => {
    const user = ctx.state.user!;
    const next = field(ctx, 'next');
    try {
      await changePassword(ctx.state.s.app, user.id, {
        current: field(ctx, 'current'),
        password: field(ctx, 'password'),
        confirm: field(ctx, 'confirm'),
      });
    } catch (err) {
      if (isAppError(err) && err.code === 'invalid')
        return changePage(ctx, formFromError(err, { next }), 422);
      throw err;
    }
    await endOtherSessions(ctx, user.id);
    setFlash(ctx, 'portal:password.changed');
    ctx.redirect(safeNext(next, '/'));
  });

  r.get('/password/forgot', (ctx) => forgotPage(ctx, emptyForm()));
  r.post('/password/forgot', async (ctx) => {
    const email = field(ctx, 'email').trim();
    if (!email) {
      const err = new AppError('invalid', 'validation.fixFields', {
        fields: { email: 'validation.emailInvalid' },
      });
      return forgotPage(ctx, formFromError(err, { email }));
    }
    const { s } = ctx.state;
    if (await mayMail(s, 'reset', email, { ip: ctx.ip })) await requestPasswordReset(s.app, email);
    await forgotPage(ctx, emptyForm(), true);
  });

  r.get('/password/reset/:token', async (ctx) => {
    const { s } = ctx.state;
    const userId = await resetTokenUser(s.app, s.config.SECRET, ctx.params.token ?? '');
    if (!userId) throw new AppError('not_found', 'portal:reset.linkInvalid');
    await resetPage(ctx, ctx.params.token ?? '', emptyForm());
  });
  r.post('/password/reset/:token', async (ctx) => {
    const { s } = ctx.state;
    const token = ctx.params.token ?? '';
    try {
      const userId = await resetPassword(s.app, s.config.SECRET, token, {
        password: field(ctx, 'password'),
        confirm: field(ctx, 'confirm'),
      });
      await endOtherSessions(ctx, userId);
    } catch (err) {
      if (isAppError(err) && err.code === 'invalid')
        return resetPage(ctx, token, formFromError(err, {}), 422);
      throw err;
    }
    setFlash(ctx, 'portal:reset.done');
    ctx.redirect('/login');
  });
}
