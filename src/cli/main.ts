import { Command, CommanderError, Option } from 'commander';
import { registerCommands } from './commands/index.js';

// Commander's own error output is replaced by one line below; help asked for with --help still goes to stdout.
const program = new Command('izardesk')
  .description('Izardesk: email-first ticketing for an internet provider')
  .addOption(
    new Option('--lang <lang>', 'language of messages (default: from LANG)').choices(['es', 'en', 'fr']),
  )
  .exitOverride()
  .configureOutput({ writeErr: () => {} })
  .showHelpAfterError(false);
registerCommands(program);

/** Expected failures end with one line on stderr and exit 1; anything else is a bug and shows its stack. */
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    if (err.exitCode !== 0) {
      const why =
        err.code === 'commander.help' ? 'a command is missing' : err.message.replace(/^error: /, '');
      process.stderr.write(`izardesk: ${why} (see izardesk --help)\n`);
    }
    process.exit(err.exitCode);
  }
  // Loaded only on failure: the error types and the translations are not needed by a command that succeeds.
  const { cliErrorLines, cliLanguage } = await import('./errors.js');
  const lines = cliErrorLines(err, cliLanguage(program.opts<{ lang?: string }>().lang));
  if (!lines) throw err;
  for (const line of lines) process.stderr.write(`izardesk: ${line}\n`);
  process.exit(1);
}
