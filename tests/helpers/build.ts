import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Builds dist/ when a source is newer than it (scripts/build.mjs --if-stale), so that the tests and benchmarks
 * that spawn `bin/izardesk.js` run the compiled code that ships.
 */
export function ensureBuilt(): void {
  const script = join(import.meta.dirname, '..', '..', 'scripts', 'build.mjs');
  execFileSync(process.execPath, [script, '--if-stale', '--noCheck'], { stdio: 'inherit' });
}
