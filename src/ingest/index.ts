import type { RunningPart } from '../runtime/part.js';
import type { Services } from '../runtime/services.js';
import { closeParsePool } from './read-mail.js';
import { type Watcher, watchMailbox } from './watcher.js';

/** Mailbox watchers: each configured folder, plus the Sent folder when set. Off when no mailbox is configured. */
export async function startIngest(s: Services): Promise<RunningPart> {
  if (!s.config.imapEnabled) {
    const detail = 'off: no mailbox configured (IMAP_HOST, IMAP_USER)';
    s.logger.info(`ingest ${detail}`);
    return { name: 'imap', stop: async () => {}, health: async () => ({ ok: true, detail }) };
  }
  const watchers: Watcher[] = [
    ...s.config.IMAP_MAILBOXES.map((m) => watchMailbox(s, m, 'inbox')),
    ...(s.config.IMAP_SENT_MAILBOX ? [watchMailbox(s, s.config.IMAP_SENT_MAILBOX, 'sent')] : []),
  ];
  s.logger.info({ mailboxes: watchers.map((w) => w.status().mailbox) }, 'ingest watching');
  return {
    name: 'imap',
    stop: async () => {
      await Promise.all(watchers.map((w) => w.stop()));
      await closeParsePool();
    },
    health: async () => {
      const all = watchers.map((w) => w.status());
      const ok = all.every((w) => w.state !== 'backoff' && w.state !== 'stopped');
      const detail = all
        .map(
          (w) =>
            `${w.mailbox}: ${w.state}${w.lastError ? ` (${w.lastError})` : ''}, ${w.processed} processed`,
        )
        .join('; ');
      return { ok, detail };
    },
  };
}
