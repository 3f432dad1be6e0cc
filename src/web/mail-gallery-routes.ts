import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import Router from '@koa/router';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { z } from 'zod';
import { type Config, LANGUAGES } from '../config/config.js';
import { AppError } from '../domain/errors.js';
import { escapeHtml } from '../infra/escape-html.js';
import { sampleData } from '../outbound/samples.js';
import { stringsFor } from '../outbound/strings.js';
import { compileTemplates, TEMPLATE_NAMES, type Templates } from '../outbound/templates.js';
import { when } from './agent/format.js';
import type { WebContext, WebState } from './context.js';
import { html, multiline } from './html.js';
import { paramsInput } from './input.js';
import { renderPage } from './layout.js';

/** Names the file sender writes (see transport.ts mailKey); anything else is refused, so no path tricks. */
const EML = /^\d{9}-[0-9a-f]{10}\.eml$/;
const SAMPLE = { name: z.enum(TEMPLATE_NAMES), lang: z.enum(LANGUAGES) };
const FILE = { file: z.string().regex(EML) };

/** The gallery is a development tool: on by default, off in production unless MAIL_GALLERY says otherwise. */
export const mailGalleryEnabled = (config: Config): boolean =>
  !config.SMTP_URL && (config.MAIL_GALLERY ?? config.NODE_ENV !== 'production');

const addressList = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value);
const addresses = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a : a ? [a] : []).map((x) => x.text).join(', ');

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The invitation's password follows its label (in any of our languages), maybe after tags. */
const PASSWORD = new RegExp(
  `(${LANGUAGES.map((l) => escapeRe(stringsFor(l)('mail:invited.password'))).join('|')})((?:\\s|&nbsp;|<[^>]*>)*)([^\\s<]+)`,
  'g',
);
/** Links that act as their recipient: password reset, email confirmation, solution approval. */
const SECRET_LINK = /(\/(?:password\/reset|profile\/email\/confirm|approve)\/)[^\s"'<>?&\]]+/g;
/** The signature of a reply token (in Reply-To, Message-ID): it lets a mail speak for its recipient. */
const REPLY_SIGNATURE = /(t\d{1,12}\.u\d{1,12}\.)[a-z2-7]{20}/gi;

/** A mail as anyone but its recipient may see it: what grants access to an account or a ticket is hidden. */
export const redactSecrets = (s: string): string =>
  s.replace(SECRET_LINK, '$1…').replace(PASSWORD, '$1$2••••••••').replace(REPLY_SIGNATURE, '$1…');

/**
 * Development gallery for admins: the mails written to MAIL_OUTBOX_DIR (used when SMTP_URL is unset), one
 * page per mail with its headers, text and HTML (in a sandboxed iframe served with `CSP: sandbox`), and every
 * template in every language with sample data. Access links and passwords are hidden unless the admin is the
 * mail's recipient; nothing is cached.
 */
export function mailGalleryRoutes(config: Config, prefix = '/dev/mails'): Router<WebState> {
  const router = new Router<WebState>({ prefix });
  const dir = config.MAIL_OUTBOX_DIR;
  let templates: Promise<Templates> | null = null;
  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  const load = async (
    ctx: WebContext,
  ): Promise<{ m: ParsedMail; mine: boolean; shown: (s: string) => string }> => {
    const { file } = paramsInput(ctx, FILE);
    const m = await readFile(join(dir, file))
      .then((raw) => simpleParser(raw))
      .catch(() => {
        throw new AppError('not_found', 'portal:errors.pageNotFound');
      });
    const viewer = ctx.state.user?.email.toLowerCase();
    const mine = addressList(m.to).some((a) => a.address?.toLowerCase() === viewer);
    return { m, mine, shown: mine ? (s) => s : redactSecrets };
  };
  const sample = (ctx: WebContext) => {
    const { name, lang } = paramsInput(ctx, SAMPLE);
    return { name, lang, data: sampleData(config, name, lang) };
  };
  /** The mail's own HTML, inert: no script, no same-origin, framed only by the gallery page. */
  const inert = (ctx: WebContext, body: string) => {
    ctx.set(
      'Content-Security-Policy',
      "sandbox; default-src 'none'; img-src * data:; style-src 'unsafe-inline'; frame-ancestors 'self'",
    );
    ctx.set('X-Frame-Options', 'SAMEORIGIN');
    ctx.type = 'html';
    ctx.body = body;
  };
  const frame = (src: string, title: string) =>
    html`<iframe sandbox src="${src}" title="${title}" width="100%" height="900"></iframe>`;

  router.get('/', async (ctx) => {
    const { t } = ctx.state;
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => EML.test(n));
    const files = await Promise.all(
      names.map(async (n) => ({ n, mtime: (await stat(join(dir, n))).mtimeMs })),
    );
    files.sort((a, b) => b.mtime - a.mtime);
    const rows = await Promise.all(
      files.slice(0, 200).map(async ({ n }) => {
        const m = await simpleParser(await readFile(join(dir, n)), {
          skipHtmlToText: true,
          skipTextToHtml: true,
        });
        return html`<tr><td>${when(ctx, m.date ?? null)}</td><td>${addresses(m.to)}</td><td><a href="${prefix}/${n}">${m.subject ?? n}</a></td></tr>`;
      }),
    );
    const title = t('mail:gallery.title');
    await renderPage(ctx, {
      title,
      body: html`<div class="page-head"><h1>${title}</h1></div>
<section class="card"><h2>${t('mail:gallery.sent')}</h2><p>${t('mail:gallery.folder', { dir })}</p>
${
  rows.length
    ? html`<div class="table-wrap"><table class="tickets"><thead><tr><th scope="col">${t('mail:gallery.date')}</th><th scope="col">${t('mail:gallery.to')}</th><th scope="col">${t('mail:gallery.subject')}</th></tr></thead><tbody>${rows}</tbody></table></div>`
    : html`<p>${t('mail:gallery.empty')}</p>`
}</section>
<section class="card"><h2>${t('mail:gallery.templates')}</h2><p>${t('mail:gallery.templatesIntro')}</p>
<div class="table-wrap"><table class="tickets"><thead><tr><th scope="col">${t('mail:gallery.template')}</th>${LANGUAGES.map((l) => html`<th scope="col">${t(`portal:languages.${l}`)}</th>`)}</tr></thead><tbody>
${TEMPLATE_NAMES.map(
  (name) =>
    html`<tr><td><code>${name}</code></td>${LANGUAGES.map(
      (l) =>
        html`<td><a href="${prefix}/templates/${name}/${l}" lang="${l}">${String(sampleData(config, name, l).subject)}</a></td>`,
    )}</tr>`,
)}
</tbody></table></div></section>`,
    });
  });

  router.get('/templates/:name/:lang', async (ctx) => {
    const { t } = ctx.state;
    const { name, lang, data } = sample(ctx);
    templates ??= compileTemplates(config);
    const { text } = (await templates).render(name, data);
    const subject = String(data.subject);
    await renderPage(ctx, {
      title: subject,
      body: html`<p><a href="${prefix}/">${t('mail:gallery.back')}</a></p>
<div class="page-head"><h1 lang="${lang}">${subject}</h1></div>
<p>${t('mail:gallery.template')}: <code>${name}</code> · ${t('mail:gallery.language')}: ${t(`portal:languages.${lang}`)}</p>
${frame(`${prefix}/templates/${name}/${lang}/html`, t('mail:gallery.htmlTitle'))}
<section class="card" lang="${lang}"><h2>${t('mail:gallery.text')}</h2><p>${multiline(text)}</p></section>`,
    });
  });

  router.get('/templates/:name/:lang/html', async (ctx) => {
    const { name, data } = sample(ctx);
    templates ??= compileTemplates(config);
    inert(ctx, (await templates).render(name, data).html);
  });

  router.get('/:file', async (ctx) => {
    const { t } = ctx.state;
    const { m, mine, shown } = await load(ctx);
    const { file } = paramsInput(ctx, FILE);
    const headers: [string, string][] = [
      [t('mail:gallery.from'), addresses(m.from)],
      [t('mail:gallery.to'), addresses(m.to)],
      [t('mail:gallery.replyTo'), shown(addresses(m.replyTo))],
      [t('mail:gallery.subject'), m.subject ?? ''],
      [t('mail:gallery.date'), when(ctx, m.date ?? null)],
      [t('mail:gallery.messageId'), shown(m.messageId ?? '')],
      [t('mail:gallery.inReplyTo'), shown(m.inReplyTo ?? '')],
    ];
    await renderPage(ctx, {
      title: m.subject ?? file,
      body: html`<p><a href="${prefix}/">${t('mail:gallery.back')}</a></p>
<div class="page-head"><h1>${m.subject ?? file}</h1></div>
${mine ? '' : html`<p class="flash" role="note">${t('mail:gallery.hidden')}</p>`}
<section class="card"><dl class="mail-headers">${headers.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl></section>
${frame(`${prefix}/${file}/html`, t('mail:gallery.htmlTitle'))}
<section class="card"><h2>${t('mail:gallery.text')}</h2><p>${multiline(shown(m.text ?? ''))}</p></section>`,
    });
  });

  router.get('/:file/html', async (ctx) => {
    const { m, shown } = await load(ctx);
    inert(ctx, shown(typeof m.html === 'string' ? m.html : `<pre>${escapeHtml(m.text ?? '')}</pre>`));
  });

  return router;
}
