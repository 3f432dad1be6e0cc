import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/**
 * Writes one benchmark's figures to bench/results/<name>.json with the machine, the date and the commit.
 * BENCH_RESULTS_DIR writes them elsewhere (a trial run at a small size must not replace the committed figures).
 */
export function writeResult(name: string, figures: Record<string, unknown>): string {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  const out = {
    name,
    date: new Date().toISOString(),
    commit,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? '',
      memoryBytes: totalmem(),
      node: process.version,
    },
    figures,
  };
  const dir = process.env.BENCH_RESULTS_DIR || join(import.meta.dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  return file;
}
