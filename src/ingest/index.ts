import type { RunningPart } from '../runtime/part.js';
import type { Services } from '../runtime/services.js';
import { envAccount, type ImapAccount, mailboxAccountRows, rowAccount } from './accounts.js';
import { closeParsePool } from './read-mail.js';
import { type MailboxStatus, type Watcher, watchMailbox } from './watcher.js';

interface Watched {
  /** The row's updated_at: an edit in the admin restarts its watchers with the new settings. */
  version: number;
  watchers: Watcher[];
}

/**
 * Mailbox watchers: each folder of the environment's account (IMAP_MAILBOXES, and the Sent folder when set), and
 * each folder of every active mailbox of the table with an IMAP account. The table is read again every
 * MAILBOX_REFRESH_SECONDS: a mailbox added, changed or deactivated in the admin is watched, restarted or stopped
 * without restarting the process.
 */
export async function startIngest(s: Services): Promise<RunningPart> {
  const env = envAccount(s.config);
  const watch = (a: ImapAccount, folder: string, mode: 'inbox' | 'sent') => watchMailbox(s, a, folder, mode);
  const fixed: Watcher[] = env
    ? [
        ...env.folders.map((f) => watch(env, f, 'inbox')),
        ...(s.config.IMAP_SENT_MAILBOX ? [watch(env, s.config.IMAP_SENT_MAILBOX, 'sent')] : []),
      ]
    : [];
  const table = new Map<number, Watched>();
  /** Mailboxes of the table that cannot be watched (a password sealed under another SECRET). */
  const broken = new Map<number, string>();
  let stopped = false;

  async function refresh(): Promise<void> {
    const rows = await mailboxAccountRows(s.db);
    const wanted = new Set(rows.map((r) => r.id));
    const stopping: Promise<void>[] = [];
    for (const [id, w] of table)
      if (!wanted.has(id)) {
        table.delete(id);
        stopping.push(...w.watchers.map((x) => x.stop()));
      }
    for (const id of broken.keys()) if (!wanted.has(id)) broken.delete(id);
    for (const r of rows) {
      const version = r.updated_at.getTime();
      const current = table.get(r.id);
      if (current?.version === version) continue;
      if (current) {
        table.delete(r.id);
        // The old session ends before the new one starts (they share the folder's lease and checkpoint).
        await Promise.all(current.watchers.map((x) => x.stop()));
      }
      let account: ImapAccount;
      try {
        account = rowAccount(s.config.SECRET, r);
        broken.delete(r.id);
      } catch (err) {
        broken.set(r.id, `${r.address}: ${(err as Error).message}`);
        s.logger.error({ mailbox: r.address }, 'mailbox password cannot be read: type it again in the admin');
        continue;
      }
      table.set(r.id, { version, watchers: account.folders.map((f) => watch(account, f, 'inbox')) });
      s.logger.info({ mailbox: r.address, folders: account.folders }, 'ingest watching a mailbox');
    }
    await Promise.all(stopping);
  }

  let refreshing: Promise<void> = Promise.resolve();
  const tick = () => {
    refreshing = refreshing
      .then(() => (stopped ? undefined : refresh()))
      .catch((err: Error) => s.logger.warn({ err: err.message }, 'could not read the mailboxes table'));
  };
  tick();
  await refreshing;
  const timer = setInterval(tick, s.config.MAILBOX_REFRESH_SECONDS * 1000);
  timer.unref();

  const all = () => [...fixed, ...[...table.values()].flatMap((w) => w.watchers)];
  s.logger.info(
    { mailboxes: all().map((w) => w.status().mailbox) },
    env ? 'ingest watching' : 'ingest: no mailbox in IMAP_HOST/IMAP_USER; watching the admin’s mailboxes',
  );
  return {
    name: 'imap',
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await refreshing;
      await Promise.all(all().map((w) => w.stop()));
      await closeParsePool();
    },
    health: async () => {
      const watched: MailboxStatus[] = all().map((w) => w.status());
      if (!watched.length && !broken.size)
        return { ok: true, detail: 'off: no mailbox configured (IMAP_HOST, IMAP_USER, or the admin)' };
      const ok = !broken.size && watched.every((w) => w.state !== 'backoff' && w.state !== 'stopped');
      const detail = [
        ...watched.map(
          (w) =>
            `${w.mailbox}: ${w.state}${w.lastError ? ` (${w.lastError})` : ''}, ${w.processed} processed`,
        ),
        ...broken.values(),
      ].join('; ');
      return { ok, detail };
    },
  };
}
