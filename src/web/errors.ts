import type { Context, Next } from 'koa';
import { type AppErrorCode, isAppError } from '../domain/errors.js';
import type { Logger } from '../infra/logger.js';
import { bodyParser } from './body.js';
import type { WebContext } from './context.js';
import { CSRF_FIELD } from './csrf.js';
import { html, type SafeHtml } from './html.js';
import { renderPage } from './layout.js';
import { visitorLanguage } from './request-language.js';
import { pageTranslator } from './translate.js';

/** The one mapping from expected failures to HTTP statuses. */
export const HTTP_STATUS: Record<AppErrorCode, number> = {
  invalid: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  too_large: 413,
};

/** Message keys for HTTP errors that are not AppErrors (a malformed request, a wrong method). */
const HTTP_MESSAGE: Record<number, string> = {
  400: 'portal:errors.badRequest',
  404: 'portal:errors.pageNotFound',
  405: 'portal:errors.badRequest',
  413: 'portal:errors.tooLarge',
  500: 'portal:errors.internal',
};

/** A friendly error page in the visitor's language, with a way back. */
async function renderErrorPage(
  ctx: WebContext,
  status: number,
  key: string,
  params: Record<string, string | number> = {},
  kept: SafeHtml | '' = '',
): Promise<void> {
  const { t, user } = ctx.state;
  await renderPage(ctx, {
    status,
    title: t(`portal:errors.title${status}`, { defaultValue: t('portal:errors.title') }),
    narrow: true,
    body: html`<section class="card error-page">
  <h1>${t(`portal:errors.title${status}`, { defaultValue: t('portal:errors.title') })}</h1>
  <p>${t(key, params)}</p>
  ${kept}
  <p><a class="button" href="${user ? '/' : '/login'}">${user ? t('portal:errors.backHome') : t('portal:login.title')}</a></p>
</section>`,
  });
}

// Never written back into a page.
const SECRET_FIELD = /password|current|confirm/i;

/**
 * What a visitor sent in a form that failed on our side (the database down): shown so nothing typed is lost,
 * in a form that sends it again as it was (the attached file, if any, has to be chosen again).
 */
async function keptForm(ctx: WebContext): Promise<SafeHtml | ''> {
  if (ctx.method !== 'POST') return '';
  if (ctx.request.body === undefined)
    await bodyParser(ctx.state.s.config.catalog.maxAttachmentBytes)(ctx, async () => {}).catch(() => {});
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  const fields = Object.entries(body).filter(
    (e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '' && !SECRET_FIELD.test(e[0]),
  );
  const typed = fields.filter(([k, v]) => k !== CSRF_FIELD && /\s/.test(v.trim()));
  if (typed.length === 0) return '';
  const { t } = ctx.state;
  return html`<form method="post" action="${ctx.path}">
    ${fields.map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
    <div class="field"><label for="kept-text">${t('portal:security.keptLabel')}</label>
    <textarea id="kept-text" rows="8" readonly>${typed.map(([, v]) => v).join('\n\n')}</textarea></div>
    <div class="actions"><button class="button primary" type="submit">${t('portal:security.sendAgain')}</button></div>
  </form>`;
}

/**
 * A page request that failed before the page stack set the language (Postgres down at the session lookup):
 * it still gets its page, in the visitor's language, as someone signed out.
 */
function asPage(ctx: WebContext): boolean {
  const state: Partial<WebContext['state']> = ctx.state;
  if (state.t) return true;
  if (!state.s) return false;
  ctx.state.session ??= null;
  ctx.state.user ??= null;
  ctx.state.actor ??= null;
  ctx.state.lang = visitorLanguage(ctx);
  ctx.state.t = pageTranslator(ctx.state.lang);
  return true;
}

/**
 * Expected errors become their status: an HTML page once the page stack has set the language, a short JSON
 * body otherwise (health, metrics). Forms catch their own validation errors before this and re-render.
 * Anything else is logged with its context and answered 500 without details.
 */
export const errorMiddleware = (logger: Logger) => async (ctx: Context, next: Next) => {
  const page = ctx as WebContext;
  try {
    await next();
  } catch (err) {
    const isPage = asPage(page);
    if (isAppError(err)) {
      const status = HTTP_STATUS[err.code];
      if (isPage) return renderErrorPage(page, status, err.messageKey, err.params);
      ctx.status = status;
      ctx.body = { error: err.code, message: err.messageKey };
      return;
    }
    const status = (err as { status?: number }).status;
    if (status && status < 500) {
      if (isPage) return renderErrorPage(page, status, HTTP_MESSAGE[status] ?? 'portal:errors.badRequest');
      ctx.status = status;
      ctx.body = { error: (err as Error).message };
      return;
    }
    logger.error(
      { err, method: ctx.method, path: ctx.path, user: ctx.state.user?.id },
      'unhandled web error',
    );
    if (isPage) {
      try {
        return await renderErrorPage(page, 500, HTTP_MESSAGE[500] as string, {}, await keptForm(page));
      } catch (renderErr) {
        logger.error({ err: renderErr }, 'error page failed');
      }
    }
    ctx.status = 500;
    ctx.body = { error: 'internal' };
  }
};

/** Answers unmatched page routes with the 404 page. */
export async function notFound(ctx: WebContext, next: Next): Promise<void> {
  await next();
  if (ctx.status === 404 && ctx.body == null) {
    await renderErrorPage(ctx, 404, HTTP_MESSAGE[404] as string);
  }
}
