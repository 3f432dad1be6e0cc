import { type Command, Option } from 'commander';
import type { Role } from '../../domain/ticket-status.js';

interface UserOptions {
  email: string;
  name: string;
  role: Role;
  company?: string;
  password?: string;
  phone?: string;
  language?: string;
  manager?: boolean;
}

const userOptions = (cmd: Command) =>
  cmd
    .requiredOption('--email <email>', 'login e-mail address')
    .requiredOption('--name <name>', 'full name')
    .addOption(
      new Option('--role <role>', 'role').choices(['customer', 'agent', 'admin']).makeOptionMandatory(),
    )
    .option('--company <name>', 'customer company (found or created); required for customers')
    .option('--phone <phone>', 'phone number')
    .addOption(new Option('--language <lang>', 'language of pages and mails').choices(['es', 'en', 'fr']))
    .option('--manager', 'the customer sees all tickets of their company');

async function create(o: UserOptions, invite: boolean): Promise<void> {
  const [{ createUser }, { withServices }] = await Promise.all([
    import('../../app/accounts/create-user.js'),
    import('../with-services.js'),
  ]);
  const created = await withServices((s) =>
    createUser(
      s.app,
      { kind: 'system' },
      {
        email: o.email,
        name: o.name,
        role: o.role,
        companyName: o.company ?? null,
        phone: o.phone ?? null,
        language: o.language ?? s.config.DEFAULT_LANGUAGE,
        isCompanyManager: Boolean(o.manager),
        password: o.password ?? null,
        invite,
      },
    ),
  );
  const lines = [`created user ${created.userId} <${o.email}> (${o.role})`];
  if (created.generatedPassword)
    lines.push(`temporary password: ${created.generatedPassword} (must be changed at first login)`);
  if (invite) lines.push('invitation queued: the credentials are e-mailed to the user');
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('manage accounts');
  userOptions(user.command('create').description('create an account'))
    .option('--password <password>', 'initial password (otherwise one is generated and must be changed)')
    .action((o: UserOptions) => create(o, false));
  userOptions(user.command('invite').description('create an account and e-mail its credentials')).action(
    (o: UserOptions) => create(o, true),
  );
}
