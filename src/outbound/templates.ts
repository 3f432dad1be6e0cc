import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import { convert } from 'html-to-text';
import mjml2html from 'mjml';
import type { Config } from '../config/config.js';
import { escapeHtml } from '../infra/escape-html.js';
import { StartupError } from '../runtime/startup-error.js';

/** One MJML file per mail in templates/, each filled into templates/_layout.mjml. */
export const TEMPLATE_NAMES = [
  'ticket-created',
  'ticket-new',
  'ticket-followup',
  'ticket-pending',
  'ticket-status',
  'ticket-assigned',
  'ticket-resolved',
  'ticket-approved',
  'ticket-refused',
  'ticket-closed',
  'ticket-reopened',
  'ticket-merged',
  'account-invited',
  'password-reset',
  'email-change',
  'email-changed',
  'mail-unknown-sender',
  'mail-attachment-too-big',
  'mail-rejected',
  'mail-agent-notice',
  'ticket-awaiting-decision',
  'quarantine-digest',
  'sla-warning',
  'sla-breach',
  'ticket-created-outage',
  'ticket-outage-update',
  'ticket-survey',
  'webhook-disabled',
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export interface RenderedMail {
  html: string;
  text: string;
}

export interface Templates {
  render(name: TemplateName, data: object): RenderedMail;
}

type Fill = (data: object) => string;

export function templatesDir(): string {
  for (const rel of ['../../templates/', '../../../templates/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}_layout.mjml`)) return dir;
  }
  throw new StartupError('mail templates not found (templates/_layout.mjml)');
}

const CONTENT = '%%CONTENT%%';

/** The layout with this installation's brand; config values are fixed, so they are set before MJML runs. */
function brandedLayout(config: Config, dir: string): string {
  const company = escapeHtml(config.COMPANY_NAME);
  const header = config.LOGO_URL
    ? `<mj-image src="${escapeHtml(config.LOGO_URL)}" alt="${company}" width="160px" align="left" padding="0" />`
    : `<mj-text font-size="20px" font-weight="700" color="${config.BRAND_COLOR}" padding="0">${company}</mj-text>`;
  return (
    readFileSync(`${dir}_layout.mjml`, 'utf8')
      .replace('%%HEADER%%', header)
      .replaceAll('%%BRAND_COLOR%%', config.BRAND_COLOR)
      .replaceAll('%%COMPANY%%', company)
      // Per mail: a ticket's mails show the address of its mailbox.
      .replaceAll('%%SUPPORT_ADDRESS%%', '{{= it.supportAddress }}')
  );
}

/** Where a line of the combined document came from: the layout or the template. */
function sourceLine(layout: string, templateLines: number, line: number, name: string): string {
  const marker = layout.split('\n').findIndex((l) => l.includes(CONTENT)) + 1;
  if (line < marker) return `_layout.mjml line ${line}`;
  if (line < marker + templateLines) return `${name}.mjml line ${line - marker + 1}`;
  return `_layout.mjml line ${line - templateLines + 1}`;
}

/** Raw HTML placeholders `{{~ it.x_html }}` have a plain-text twin `it.x_text`. */
const RAW_HTML = /\{\{~\s*it\.(\w+)_html\s*\}\}/g;

/** The plain-text twin of a compiled template, derived once: placeholders survive html-to-text. */
const textTemplate = (html: string): string =>
  convert(
    html
      .replace(/<title>[\s\S]*?<\/title>/, '')
      .replace(/<div[^>]*>\s*\{\{= it\.preview \}\}[\s\S]*?<\/div>/, ''),
    {
      wordwrap: false,
      selectors: [
        { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
        { selector: 'img', format: 'skip' },
        { selector: 'h1', options: { uppercase: false } },
        { selector: 'h2', options: { uppercase: false } },
        { selector: 'table', format: 'block' },
        { selector: 'tr', format: 'block' },
        { selector: 'td', format: 'inline', options: { trailingLineBreaks: 0 } },
      ],
    },
  )
    .replace(RAW_HTML, '{{= it.$1_text }}')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

/**
 * Compiles every template once: MJML → HTML with Eta placeholders → a function (and its text twin).
 * An MJML error stops start-up naming the template and line.
 */
export async function compileTemplates(config: Config, dir = templatesDir()): Promise<Templates> {
  const layout = brandedLayout(config, dir);
  const html = new Eta({
    tags: ['{{', '}}'],
    autoEscape: true,
    useWith: false,
    cache: false,
    autoTrim: false,
  });
  const text = new Eta({
    tags: ['{{', '}}'],
    autoEscape: false,
    useWith: false,
    cache: false,
    autoTrim: false,
  });
  const compiled = new Map<TemplateName, { html: Fill; text: Fill }>();
  for (const name of TEMPLATE_NAMES) {
    const file = `${dir}${name}.mjml`;
    if (!existsSync(file)) throw new StartupError(`mail template ${name}.mjml is missing in ${dir}`);
    const source = readFileSync(file, 'utf8').replace(/\n$/, '');
    const doc = layout.replace(CONTENT, source.replaceAll('%%BRAND_COLOR%%', config.BRAND_COLOR));
    let out: string;
    try {
      // fonts: {}: MJML would otherwise import Roboto from Google Fonts (a remote request on every open).
      out = (await mjml2html(doc, { validationLevel: 'strict', keepComments: false, fonts: {} })).html;
    } catch (err) {
      const e = err as { errors?: { line: number; message: string }[]; message?: string };
      const first = e.errors?.[0];
      const where = first ? sourceLine(layout, source.split('\n').length, first.line, name) : `${name}.mjml`;
      throw new StartupError(
        `mail template ${where}: ${(first?.message ?? e.message ?? String(err)).trim()}`,
      );
    }
    try {
      const h = html.compile(out);
      const t = text.compile(textTemplate(out));
      compiled.set(name, { html: (d) => html.render(h, d), text: (d) => text.render(t, d) });
    } catch (err) {
      throw new StartupError(`mail template ${name}.mjml: placeholder error: ${(err as Error).message}`);
    }
  }
  return {
    render(name, data) {
      const c = compiled.get(name);
      if (!c) throw new Error(`unknown mail template ${name}`);
      return { html: c.html(data), text: c.text(data) };
    },
  };
}
