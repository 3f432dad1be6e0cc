// Exit 0 when node_modules holds exactly the versions package-lock.json asks for (optional packages aside).
const fs = require('node:fs');

const read = (file) => JSON.parse(fs.readFileSync(file, 'utf8')).packages ?? {};
let want;
let have;
try {
  want = read('package-lock.json');
  have = read('node_modules/.package-lock.json');
} catch {
  process.exit(1);
}
for (const [path, p] of Object.entries(want)) {
  if (!path || p.optional || p.link) continue;
  if (have[path]?.version !== p.version) process.exit(1);
}
