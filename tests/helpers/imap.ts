import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import type { Dovecot } from './dovecot.js';

/** A connected client to the test Dovecot; the caller logs out. */
export async function imapClient(d: Dovecot): Promise<ImapFlow> {
  const c = new ImapFlow({
    host: d.host,
    port: d.port,
    secure: false,
    auth: { user: d.user, pass: d.password },
    logger: false,
  });
  await c.connect();
  return c;
}

/** APPENDs raw messages to a mailbox (INBOX by default), as an MTA delivering them would. */
export async function appendRaw(
  d: Dovecot,
  messages: readonly (string | Buffer)[],
  mailbox = 'INBOX',
  flags: string[] = [],
): Promise<void> {
  const c = await imapClient(d);
  try {
    for (const m of messages) await c.append(mailbox, m, flags);
  } finally {
    await c.logout();
  }
}

/** UIDs of a mailbox with and without \Seen. */
export async function mailboxState(d: Dovecot, mailbox = 'INBOX'): Promise<{ all: number; seen: number }> {
  const c = await imapClient(d);
  try {
    const st = await c.status(mailbox, { messages: true, unseen: true });
    if (!st) throw new Error(`no status for ${mailbox}`);
    return { all: st.messages ?? 0, seen: (st.messages ?? 0) - (st.unseen ?? 0) };
  } finally {
    await c.logout();
  }
}

export interface MailSpec {
  from: string;
  to?: string;
  subject?: string;
  text?: string;
  messageId?: string;
  headers?: Record<string, string>;
  attachments?: { name: string; size: number; type?: string }[];
}

/** A raw RFC 5322 message; attachments are filled with random bytes of the given size. */
export function buildMail(m: MailSpec): string {
  const id = m.messageId ?? `<${randomBytes(8).toString('hex')}@client.example>`;
  const head = [
    `From: ${m.from}`,
    `To: ${m.to ?? 'support@izardesk.local'}`,
    `Subject: ${m.subject ?? 'Hello'}`,
    `Message-ID: ${id}`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    ...Object.entries(m.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
  ];
  const text = m.text ?? 'Hello, my line is down.';
  if (!m.attachments?.length) {
    return `${[...head, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit'].join('\r\n')}\r\n\r\n${text}\r\n`;
  }
  const b = `b${randomBytes(6).toString('hex')}`;
  const parts = [
    `--${b}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${text}\r\n`,
    ...m.attachments.map(
      (a) =>
        `--${b}\r\nContent-Type: ${a.type ?? 'application/octet-stream'}; name="${a.name}"\r\n` +
        `Content-Disposition: attachment; filename="${a.name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n` +
        `${(
          randomBytes(a.size)
            .toString('base64')
            .match(/.{1,76}/g) ?? []
        ).join('\r\n')}\r\n`,
    ),
  ];
  return `${[...head, `Content-Type: multipart/mixed; boundary="${b}"`].join('\r\n')}\r\n\r\n${parts.join('')}--${b}--\r\n`;
}

/**
 * The shared email corpora: `../shared/corpus` from the repository root (a checkout beside shared/), or one
 * level further up for a git worktree under a sub-folder. Null when absent: callers skip and say so.
 */
export function corpusDir(): string | null {
  const root = join(import.meta.dirname, '../..');
  for (const dir of [join(root, '../shared/corpus'), join(root, '../../shared/corpus')])
    if (existsSync(dir)) return dir;
  return null;
}
