import type Router from '@koa/router';
import { z } from 'zod';
import { signInWithOidc } from '../../app/accounts/oidc-sign-in.js';
import type { OidcSettings } from '../../config/config.js';
import { AppError } from '../../domain/errors.js';
import { isLang } from '../../i18n/i18n.js';
import { safeNext } from '../auth.js';
import type { WebContext, WebState } from '../context.js';
import { html } from '../html.js';
import { queryInput } from '../input.js';
import { renderPage } from '../layout.js';
import { startUserSession } from '../session.js';
import { pageTranslator } from '../translate.js';
import { finishOidcFlow, isVerificationError, type OidcFlow, startOidcFlow } from './oidc-client.js';

export const OIDC_START_PATH = '/auth/oidc';
const FLOW_COOKIE = 'izd_oidc';
/** Time to sign in at the provider; the flow cookie is gone after it. */
const FLOW_MAX_AGE_MS = 10 * 60_000;

const NEXT = { next: z.string().optional().catch(undefined) };

const flowSchema = z.object({
  state: z.string().min(1),
  nonce: z.string().min(1),
  verifier: z.string().min(1),
  next: z.string(),
});

const cookieOptions = (ctx: WebContext) =>
  ({ signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: OIDC_START_PATH }) as const;

/** The flow of this browser, signed with app.keys: read once, then cleared (a callback cannot be replayed). */
function takeFlow(ctx: WebContext): OidcFlow | null {
  const raw = ctx.cookies.get(FLOW_COOKIE, { signed: true });
  ctx.cookies.set(FLOW_COOKIE, null, cookieOptions(ctx));
  if (!raw) return null;
  try {
    const parsed = flowSchema.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function enabled(ctx: WebContext): OidcSettings {
  const o = ctx.state.s.config.oidc;
  if (!o) throw new AppError('not_found', 'portal:errors.pageNotFound');
  return o;
}

/** A page of the sign-in that did not happen, in the given language when known (the person's). */
async function outcomePage(
  ctx: WebContext,
  o: OidcSettings,
  page: { status: number; title: string; message: string; language?: string | null },
): Promise<void> {
  if (isLang(page.language)) {
    ctx.state.lang = page.language;
    ctx.state.t = pageTranslator(page.language);
  }
  const { t } = ctx.state;
  await renderPage(ctx, {
    status: page.status,
    title: t(page.title),
    narrow: true,
    body: html`<section class="card error-page">
  <h1>${t(page.title)}</h1>
  <p>${t(page.message, { provider: o.label })}</p>
  <p><a class="button" href="/login">${t('portal:reset.backToLogin')}</a></p>
</section>`,
  });
}

const unavailable = { status: 502, title: 'sso:unavailableTitle', message: 'sso:unavailable' };

/** Single sign-on of the staff with an OpenID Connect provider (docs/sso.md); 404 while OIDC_ISSUER is unset. */
export function mountOidcRoutes(r: Router<WebState>): void {
  r.get(OIDC_START_PATH, async (ctx) => {
    const o = enabled(ctx);
    if (ctx.state.user) return ctx.redirect('/');
    const next = safeNext(queryInput(ctx, NEXT).next, '');
    let started: Awaited<ReturnType<typeof startOidcFlow>>;
    try {
      started = await startOidcFlow(o, next, ctx.state.lang);
    } catch (err) {
      ctx.state.s.logger.warn({ err, issuer: o.issuer }, 'single sign-on provider discovery failed');
      return outcomePage(ctx, o, unavailable);
    }
    const value = Buffer.from(JSON.stringify(started.flow)).toString('base64url');
    ctx.cookies.set(FLOW_COOKIE, value, { ...cookieOptions(ctx), maxAge: FLOW_MAX_AGE_MS });
    ctx.redirect(started.url.href);
  });

  r.get(`${OIDC_START_PATH}/callback`, async (ctx) => {
    const o = enabled(ctx);
    const { s } = ctx.state;
    const flow = takeFlow(ctx);
    const failed = { status: 400, title: 'sso:failedTitle', message: 'sso:failed' };
    if (!flow) {
      s.logger.warn({ ip: ctx.ip }, 'single sign-on callback without a flow (expired, replayed or forged)');
      return outcomePage(ctx, o, failed);
    }
    let identity: Awaited<ReturnType<typeof finishOidcFlow>>;
    try {
      identity = await finishOidcFlow(o, flow, ctx.querystring);
    } catch (err) {
      const verification = isVerificationError(err);
      s.logger.warn(
        { err, ip: ctx.ip },
        verification ? 'single sign-on answer refused' : 'single sign-on provider unreachable',
      );
      return outcomePage(ctx, o, verification ? failed : unavailable);
    }
    const result = await signInWithOidc(s.app, identity, s.config.DEFAULT_LANGUAGE);
    const who = { issuer: identity.issuer, subject: identity.subject, email: identity.email, ip: ctx.ip };
    if (!result.ok) {
      s.logger.warn({ ...who, reason: result.reason }, 'single sign-on refused');
      return outcomePage(ctx, o, {
        status: 403,
        title: 'sso:refusedTitle',
        message: `sso:refused.${result.reason}`,
        language: result.language ?? identity.locale?.slice(0, 2).toLowerCase(),
      });
    }
    s.logger.info(
      {
        ...who,
        userId: result.userId,
        role: result.role,
        previousRole: result.previousRole,
        via: result.via,
      },
      'staff signed in with single sign-on',
    );
    await startUserSession(ctx, result.userId);
    ctx.redirect(safeNext(flow.next, '/'));
  });
}
