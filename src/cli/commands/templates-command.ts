import { resolve } from 'node:path';
import type { Command } from 'commander';

export function registerTemplatesCommand(program: Command): void {
  program
    .command('templates')
    .description('mail templates')
    .command('preview')
    .description('write every mail template in every language as HTML, to look at in a browser')
    .option('--out <dir>', 'output folder', 'out/mail-preview')
    .action(async (o: { out: string }) => {
      const { previewTemplates } = await import('../templates-preview.js');
      const dir = resolve(o.out);
      const files = await previewTemplates(dir);
      process.stdout.write(`${files.length} previews written to ${dir} (open index.html)\n`);
    });
}
