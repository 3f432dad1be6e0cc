import type { Command } from 'commander';
import { migrate } from '../../db/db.js';
import { runProcess } from '../../runtime/run-process.js';
import { seedDemo } from '../demo-seed.js';
import { withServices } from '../with-services.js';

export function registerProcessCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (safe to run twice)')
    .action(async () => {
      const done = await withServices((s) => migrate(s.db));
      process.stdout.write(done.length ? `applied: ${done.join(', ')}\n` : 'database is up to date\n');
    });
  program
    .command('serve')
    .description('run the web server (stateless; run as many as needed)')
    .action(() => runProcess({ web: true, worker: false, migrate: false }));
  program
    .command('worker')
    .description('run the outbound sender, scheduled jobs and mailbox watchers')
    .action(() => runProcess({ web: false, worker: true, migrate: false }));
  program
    .command('start')
    .description('run web and workers in one process (migrates first)')
    .action(() => runProcess({ web: true, worker: true, migrate: true }));
  program
    .command('demo')
    .description('seed demo data and run everything in one process')
    .action(() =>
      runProcess({ web: true, worker: true, migrate: true }, async (s) => {
        const seeded = await seedDemo(s);
        s.logger.info(seeded, `demo ready at ${s.config.PUBLIC_URL}`);
      }),
    );
}
