import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LANGUAGES, loadConfig } from '../config/config.js';
import { escapeHtml } from '../infra/escape-html.js';
import { sampleData } from '../outbound/samples.js';
import { compileTemplates, TEMPLATE_NAMES } from '../outbound/templates.js';

/** Writes every mail template in every language, filled with sample data, as HTML (and text) files. */
export async function previewTemplates(outDir: string): Promise<string[]> {
  const config = loadConfig();
  const templates = await compileTemplates(config);
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  const links: string[] = [];
  for (const name of TEMPLATE_NAMES) {
    for (const lang of LANGUAGES) {
      const { html, text } = templates.render(name, sampleData(config, name, lang));
      const file = `${name}.${lang}.html`;
      await writeFile(join(outDir, file), html);
      await writeFile(join(outDir, `${name}.${lang}.txt`), text);
      written.push(file);
      links.push(`<li><a href="${file}">${escapeHtml(`${name} (${lang})`)}</a></li>`);
    }
  }
  await writeFile(
    join(outDir, 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><title>Mail templates</title></head><body><ul>${links.join('')}</ul></body></html>`,
  );
  return written;
}
