import type { Command } from 'commander';
import { registerIngestCommand } from './ingest-command.js';
import { registerProcessCommands } from './process-commands.js';
import { registerTemplatesCommand } from './templates-command.js';
import { registerUserCommands } from './user-commands.js';

/** Every subcommand of `izardesk`; each area registers its own. */
export function registerCommands(program: Command): void {
  registerProcessCommands(program);
  registerUserCommands(program);
  registerTemplatesCommand(program);
  registerIngestCommand(program);
}
