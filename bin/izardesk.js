#!/usr/bin/env node
// Runs the compiled CLI (dist/, made by `npm run build`): no TypeScript compiler at each start, which an MTA
// piping every message into `izardesk ingest --stdin` would pay per message.
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    'izardesk: the compiled code is missing (dist/src/cli/main.js): run `npm run build` first ' +
      '(scripts/setup.sh does), or `npm run izardesk -- <command>` to run the sources\n',
  );
  process.exit(1);
}
await import(main.href);
