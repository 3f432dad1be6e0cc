import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { LANGUAGES, loadConfig } from '../../config/config.js';
import { escapeHtml } from '../../infra/escape-html.js';
import { sampleData } from '../../outbound/samples.js';
import { compileTemplates, TEMPLATE_NAMES } from '../../outbound/templates.js';

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

export function registerTemplatesCommand(program: Command): void {
  program
    .command('templates')
    .description('mail templates')
    .command('preview')
    .description('write every mail template in every language as HTML, to look at in a browser')
    .option('--out <dir>', 'output folder', 'out/mail-preview')
    .action(async (o: { out: string }) => {
      const dir = resolve(o.out);
      const files = await previewTemplates(dir);
      process.stdout.write(`${files.length} previews written to ${dir} (open index.html)\n`);
    });
}
