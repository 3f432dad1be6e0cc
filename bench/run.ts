import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeResult } from './lib/result.js';

/**
 * Runs every benchmark (bench/*.bench.ts, each exporting `run()`), or those named on the command line,
 * and writes each one's figures to bench/results/<name>.json.
 */
const dir = import.meta.dirname;
const wanted = process.argv.slice(2);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .filter((n) => wanted.length === 0 || wanted.includes(n))
  .sort();
if (names.length === 0) {
  process.stderr.write(`no benchmark matches ${wanted.join(' ')}\n`);
  process.exit(1);
}
let failed = 0;
for (const name of names) {
  process.stdout.write(`bench ${name}: running\n`);
  try {
    const mod = (await import(join(dir, `${name}.bench.ts`))) as {
      run: () => Promise<Record<string, unknown>>;
    };
    const figures = await mod.run();
    const file = writeResult(name, figures);
    process.stdout.write(`bench ${name}: ${JSON.stringify(figures)}\n  -> ${file}\n`);
  } catch (err) {
    failed++;
    process.stderr.write(`bench ${name}: failed: ${(err as Error).stack ?? String(err)}\n`);
  }
}
process.exit(failed ? 1 : 0);
