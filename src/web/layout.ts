import type { WebContext } from './context.js';
import { type HtmlValue, html, type SafeHtml } from './html.js';
import { menuOf, type NavLink } from './menus.js';
import { csrfToken, takeFlash } from './session.js';
import { assetUrl } from './static-files.js';

export interface PageOptions {
  title: string;
  body: HtmlValue;
  /** Which nav entry is current (an href of the nav, or 'profile'). */
  nav?: string;
  status?: number;
  /** Narrow, centred card (login and password pages). */
  narrow?: boolean;
}

/** The hidden CSRF field every POST form carries. */
export const csrfField = async (ctx: WebContext): Promise<SafeHtml> =>
  html`<input type="hidden" name="_csrf" value="${await csrfToken(ctx)}">`;

/**
 * `_csrf=<token>` for the action URL of a multipart (upload) form: the server checks it before it reads the
 * body (upload-gate.ts). Works without JavaScript.
 */
export const csrfQuery = async (ctx: WebContext): Promise<string> =>
  `_csrf=${encodeURIComponent(await csrfToken(ctx))}`;

/** Renders a whole page into the response: header, nav, flash message, main content, footer. */
export async function renderPage(ctx: WebContext, o: PageOptions): Promise<void> {
  const { t, user, lang, s } = ctx.state;
  const flash = takeFlash(ctx);
  const current = (n: string) => (o.nav === n ? html` aria-current="page"` : '');
  // Until a generated password is changed, no menu leads anywhere else.
  const links: readonly NavLink[] = !user || user.must_change_password ? [] : menuOf(user, t);
  const nav = user
    ? html`<nav class="nav" aria-label="${t('portal:layout.mainNav')}">
        ${links.map((l) => html`<a href="${l.href}"${current(l.href)}>${l.label}</a>`)}
      </nav>
      <div class="account">
        <a class="account-name" href="/profile"${current('profile')}>${user.name}</a>
        <form method="post" action="/logout">${await csrfField(ctx)}<button class="link-button" type="submit">${t('portal:layout.logout')}</button></form>
      </div>`
    : html`<nav class="nav lang-switch" aria-label="${t('portal:layout.language')}">
        ${(['es', 'en', 'fr'] as const).map(
          (l) =>
            html`<a href="?lang=${l}" lang="${l}" hreflang="${l}"${l === lang ? html` aria-current="true"` : ''}>${t(`portal:languages.${l}`)}</a>`,
        )}
      </nav>`;
  ctx.status = o.status ?? 200;
  ctx.type = 'text/html; charset=utf-8';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · ${s.config.COMPANY_NAME} ${t('portal:layout.support')}</title>
<link rel="icon" href="${assetUrl('favicon.svg')}" type="image/svg+xml">
<link rel="stylesheet" href="${assetUrl('app.css')}">
<script src="${assetUrl('app.js')}" defer></script>
</head>
<body>
<a class="skip-link" href="#main">${t('portal:layout.skip')}</a>
<header class="site-header">
  <div class="header-inner">
    <a class="brand" href="/"><span class="brand-mark" aria-hidden="true">◆</span> ${s.config.COMPANY_NAME} <span class="brand-sub">${t('portal:layout.support')}</span></a>
    ${nav}
  </div>
</header>
<main id="main" class="${o.narrow ? 'main narrow' : 'main'}" tabindex="-1">
${flash ? html`<div class="notice success" role="status">${t(flash.key, flash.params ?? {})}</div>` : ''}
${o.body}
</main>
<footer class="site-footer">${s.config.COMPANY_NAME} · ${t('portal:layout.footer')}</footer>
</body>
</html>`.value;
}
