import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ImapFlow } from 'imapflow';

/** The private Dovecot the soak appends replies to, with one IMAP client kept open for APPEND. */
export interface Mailbox {
  env: Record<string, string>;
  client: ImapFlow;
  stop(): Promise<void>;
}

interface DovecotHelper {
  startDovecot(): Promise<{
    host: string;
    port: number;
    user: string;
    password: string;
    env: Record<string, string>;
    stop(): Promise<void>;
  }>;
}

/**
 * Starts the ingest's private Dovecot (tests/helpers/dovecot.ts) when this build has it; null otherwise,
 * and the soak runs without email replies.
 */
export async function startMailbox(root: string): Promise<Mailbox | null> {
  const helper = join(root, 'tests', 'helpers', 'dovecot.ts');
  if (!existsSync(helper)) return null;
  const { startDovecot } = (await import(pathToFileURL(helper).href)) as DovecotHelper;
  const dovecot = await startDovecot();
  const client = new ImapFlow({
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    auth: { user: dovecot.user, pass: dovecot.password },
    logger: false,
  });
  client.on('error', () => {}); // an APPEND that fails is counted by the caller
  await client.connect();
  return {
    env: dovecot.env,
    client,
    async stop() {
      await client.logout().catch(() => client.close());
      await dovecot.stop();
    },
  };
}

export async function appendMail(mailbox: Mailbox, raw: Buffer): Promise<void> {
  await mailbox.client.append('INBOX', raw);
}
