import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.js';
import { isAppError } from '../domain/errors.js';
import { StartupError } from '../runtime/startup-error.js';
import { registerCommands } from './commands/index.js';

// Commander's own error output is replaced by one line below; help asked for with --help still goes to stdout.
const program = new Command('izardesk')
  .description('Izardesk: email-first ticketing for an internet provider')
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
  if (err instanceof ConfigError || err instanceof StartupError) {
    for (const line of err.message.split('\n')) process.stderr.write(`izardesk: ${line}\n`);
    process.exit(1);
  }
  if (isAppError(err)) {
    const fields = Object.entries(err.fields).map(([k, v]) => `${k}: ${v}`);
    process.stderr.write(`izardesk: ${err.code}: ${fields.length ? fields.join(', ') : err.messageKey}\n`);
    process.exit(1);
  }
  throw err;
}
