// `npm run build`: compiles src/ and migrations/ to dist/ from scratch (no stale module of a deleted file
// survives), then copies the files of src/ that are not TypeScript (CSS, JS, SVG) next to their compiled
// modules, which read them from their own folder.
//   --if-stale  only when a source is newer than dist/ (set-up, tests, benchmarks)
//   --noCheck   emit without type-checking (same JavaScript, seconds instead of a minute; `tsc --noEmit`
//               checks the types in `npm test`)
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const SOURCES = ['src', 'migrations', 'scripts/build.mjs', 'tsconfig.json', 'tsconfig.build.json'];
const args = process.argv.slice(2);

const newest = (path) => {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((n) => newest(join(path, n))));
};
const builtAt = () => {
  try {
    return statSync(join(root, 'dist', 'src', 'cli', 'main.js')).mtimeMs;
  } catch {
    return 0;
  }
};

if (args.includes('--if-stale') && builtAt() > Math.max(...SOURCES.map((s) => newest(join(root, s))))) {
  process.exit(0);
}
if (args.includes('--if-stale')) process.stdout.write('build: dist/ is older than the sources; compiling\n');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync(join(root, 'dist'), { recursive: true, force: true });
const tscArgs = args.filter((a) => a !== '--if-stale');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), ...tscArgs], {
  stdio: 'inherit',
});
cpSync(join(root, 'src'), join(root, 'dist', 'src'), {
  recursive: true,
  filter: (from) => !from.endsWith('.ts'),
});
