import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LANGUAGES, loadConfig } from '../config/config.js';
import { escapeHtml } from '../infra/escape-html.js';
import { sampleData } from '../outbound/samples.js';
import { stringsFor } from '../outbound/strings.js';
import { compileTemplates, TEMPLATE_NAMES } from '../outbound/templates.js';

/** The look of the product's pages (system font, cards, brand blue), self-contained: no remote resource. */
const indexCss = (brand: string) =>
  `body{margin:0;background:#f1f4f8;color:#1f2933;font:15px/1.5 -apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif}main{max-width:1100px;margin:0 auto;padding:24px 16px}h1{font-size:24px;margin:0 0 4px}.wrap{overflow-x:auto;background:#fff;border-radius:8px;border-top:4px solid ${brand};padding:8px 16px}table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:8px 10px;border-bottom:1px solid #e2e8f0}th{font-size:12px;text-transform:uppercase;color:#64748b}a{color:${brand}}code{font-size:13px}`;

/** Writes every mail template in every language, filled with sample data, as HTML (and text) files. */
export async function previewTemplates(outDir: string): Promise<string[]> {
  const config = loadConfig();
  const templates = await compileTemplates(config);
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  const rows: string[] = [];
  for (const name of TEMPLATE_NAMES) {
    const cells: string[] = [];
    for (const lang of LANGUAGES) {
      const data = sampleData(config, name, lang);
      const { html, text } = templates.render(name, data);
      const file = `${name}.${lang}.html`;
      await writeFile(join(outDir, file), html);
      await writeFile(join(outDir, `${name}.${lang}.txt`), text);
      written.push(file);
      cells.push(`<td lang="${lang}"><a href="${file}">${escapeHtml(String(data.subject))}</a></td>`);
    }
    rows.push(`<tr><td><code>${name}</code></td>${cells.join('')}</tr>`);
  }
  const t = stringsFor(config.DEFAULT_LANGUAGE);
  const head = [t('mail:gallery.template'), ...LANGUAGES.map((l) => l.toUpperCase())]
    .map((h) => `<th scope="col">${escapeHtml(h)}</th>`)
    .join('');
  await writeFile(
    join(outDir, 'index.html'),
    `<!doctype html><html lang="${config.DEFAULT_LANGUAGE}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(t('mail:gallery.templates'))}</title><style>${indexCss(config.BRAND_COLOR)}</style></head><body><main><h1>${escapeHtml(t('mail:gallery.templates'))}</h1><p>${escapeHtml(t('mail:gallery.templatesIntro'))}</p><div class="wrap"><table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div></main></body></html>`,
  );
  return written;
}
