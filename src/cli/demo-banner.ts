import type { Config } from '../config/config.js';
import { redactUrl } from '../runtime/startup-error.js';
import { DEMO_PASSWORD, DEMO_USERS } from './demo-seed.js';

/** What a person who just ran `scripts/run.sh` needs: where to go, who to sign in as, where the mails go. */
export function demoBanner(config: Config): string {
  const url = config.PUBLIC_URL.replace(/\/$/, '');
  const mails = config.SMTP_URL
    ? `sent through ${redactUrl(config.SMTP_URL)}`
    : `written to ${config.MAIL_OUTBOX_DIR}/ (no SMTP_URL); read them at ${url}/dev/mails as the agent or the admin`;
  return [
    '',
    `  Izardesk demo ready: ${url}`,
    '',
    `  Sign in with the password ${DEMO_PASSWORD} as`,
    `    ${DEMO_USERS.customer.padEnd(22)}a customer (new ticket, tickets, approving a solution)`,
    `    ${DEMO_USERS.agent.padEnd(22)}an agent (queue and tickets at ${url}/agent)`,
    `    ${DEMO_USERS.admin.padEnd(22)}the admin (also ${url}/admin/queues)`,
    `  Mails: ${mails}`,
    '  Stop with Ctrl-C.',
    '',
    '',
  ].join('\n');
}
