import type { Command } from 'commander';

// Each action imports what it runs, so `izardesk --help` and one-shot commands load only their own modules.
export function registerProcessCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (safe to run twice)')
    .action(async () => {
      const [{ migrate }, { withServices }] = await Promise.all([
        import('../../db/db.js'),
        import('../with-services.js'),
      ]);
      const done = await withServices((s) => migrate(s.db));
      process.stdout.write(done.length ? `applied: ${done.join(', ')}\n` : 'database is up to date\n');
    });
  program
    .command('serve')
    .description('run the web server (stateless; run as many as needed)')
    .action(async () => {
      const { runProcess } = await import('../../runtime/run-process.js');
      await runProcess({ web: true, worker: false, migrate: false });
    });
  program
    .command('worker')
    .description('run the outbound sender, scheduled jobs and mailbox watchers')
    .action(async () => {
      const { runProcess } = await import('../../runtime/run-process.js');
      await runProcess({ web: false, worker: true, migrate: false });
    });
  program
    .command('start')
    .description('run web and workers in one process (migrates first)')
    .action(async () => {
      const { runProcess } = await import('../../runtime/run-process.js');
      await runProcess({ web: true, worker: true, migrate: true });
    });
  program
    .command('demo')
    .description('seed demo data and run everything in one process')
    .action(async () => {
      const [{ runProcess }, { seedDemo }, { demoBanner }] = await Promise.all([
        import('../../runtime/run-process.js'),
        import('../demo-seed.js'),
        import('../demo-banner.js'),
      ]);
      await runProcess({ web: true, worker: true, migrate: true }, async (s) => {
        const seeded = await seedDemo(s);
        // A person at a terminal gets a banner (and pretty logs); a log collector gets the JSON line.
        if (process.stdout.isTTY) process.stdout.write(demoBanner(s.config));
        else s.logger.info(seeded, `demo ready at ${s.config.PUBLIC_URL}`);
      });
    });
}
