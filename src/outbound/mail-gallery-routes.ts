import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import Router from '@koa/router';
import type { Context } from 'koa';
import { type AddressObject, simpleParser } from 'mailparser';
import type { Config } from '../config/config.js';
import { translator } from '../i18n/i18n.js';
import { escapeHtml } from '../infra/escape-html.js';

/** Names the file sender writes (see transport.ts mailKey); anything else is refused, so no path tricks. */
const EML = /^\d{9}-[0-9a-f]{10}\.eml$/;

const addresses = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a : a ? [a] : []).map((x) => x.text).join(', ');

const page = (lang: string, title: string, body: string) =>
  `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body><main>${body}</main></body></html>`;

/**
 * Development gallery of the mails written to MAIL_OUTBOX_DIR (used when SMTP_URL is unset): a list, one
 * page per mail with headers and text, and its HTML in a sandboxed iframe served with `CSP: sandbox`.
 */
export function mailGalleryRoutes(config: Config, prefix = '/dev/mails'): Router {
  const router = new Router({ prefix });
  const dir = config.MAIL_OUTBOX_DIR;
  const t = translator(config.DEFAULT_LANGUAGE);
  const load = async (ctx: Context) => {
    const name = String(ctx.params.file ?? '');
    if (!EML.test(name)) ctx.throw(404);
    try {
      return await simpleParser(await readFile(join(dir, name)));
    } catch {
      return ctx.throw(404);
    }
  };

  router.get('/', async (ctx) => {
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
        return `<tr><td>${escapeHtml(m.date?.toISOString() ?? '')}</td><td>${escapeHtml(addresses(m.to))}</td><td><a href="${prefix}/${n}">${escapeHtml(m.subject ?? n)}</a></td></tr>`;
      }),
    );
    const title = String(t('mail:gallery.title'));
    ctx.type = 'html';
    ctx.body = page(
      config.DEFAULT_LANGUAGE,
      title,
      `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(String(t('mail:gallery.folder', { dir })))}</p>${
        rows.length
          ? `<table><thead><tr><th>${escapeHtml(String(t('mail:gallery.date')))}</th><th>${escapeHtml(String(t('mail:gallery.to')))}</th><th>${escapeHtml(String(t('mail:gallery.subject')))}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
          : `<p>${escapeHtml(String(t('mail:gallery.empty')))}</p>`
      }`,
    );
  });

  router.get('/:file', async (ctx) => {
    const m = await load(ctx);
    const headers: [string, string][] = [
      ['From', addresses(m.from)],
      ['To', addresses(m.to)],
      ['Reply-To', addresses(m.replyTo)],
      ['Subject', m.subject ?? ''],
      ['Date', m.date?.toISOString() ?? ''],
      ['Message-ID', m.messageId ?? ''],
      ['In-Reply-To', m.inReplyTo ?? ''],
    ];
    const file = String(ctx.params.file);
    ctx.type = 'html';
    ctx.body = page(
      config.DEFAULT_LANGUAGE,
      m.subject ?? file,
      `<p><a href="${prefix}/">${escapeHtml(String(t('mail:gallery.back')))}</a></p><h1>${escapeHtml(m.subject ?? file)}</h1><dl>${headers
        .map(([k, v]) => `<dt>${k}</dt><dd>${escapeHtml(v)}</dd>`)
        .join(
          '',
        )}</dl><iframe sandbox src="${prefix}/${file}/html" title="HTML" width="100%" height="800"></iframe><h2>${escapeHtml(String(t('mail:gallery.text')))}</h2><pre>${escapeHtml(m.text ?? '')}</pre>`,
    );
  });

  router.get('/:file/html', async (ctx) => {
    const m = await load(ctx);
    // The mail's own HTML, inert: no script, no same-origin, framed only by the gallery page.
    ctx.set(
      'Content-Security-Policy',
      "sandbox; default-src 'none'; img-src * data:; style-src 'unsafe-inline'; frame-ancestors 'self'",
    );
    ctx.set('X-Frame-Options', 'SAMEORIGIN');
    ctx.type = 'html';
    ctx.body = typeof m.html === 'string' ? m.html : `<pre>${escapeHtml(m.text ?? '')}</pre>`;
  });

  return router;
}
