import { ImapFlow } from 'imapflow';
import type { Redis } from 'ioredis';
import type { Db } from '../db/db.js';
import { ingestLagSeconds, mailsIngested } from '../metrics/metrics.js';
import { folderKey, type ImapAccount } from './accounts.js';
import { type BatchItem, commitBatch } from './group-commit.js';
import { Lease } from './lease.js';
import type { IngestReport } from './outcome.js';
import { type InboundMessage, type IngestDeps, ingestMessage, prepareMessage } from './process-message.js';
import { warmParsePool } from './read-mail.js';
import { uidSet } from './uid-set.js';

export type WatcherState = 'standby' | 'connecting' | 'syncing' | 'idle' | 'backoff' | 'stopped';

export interface MailboxStatus {
  mailbox: string;
  mode: 'inbox' | 'sent';
  state: WatcherState;
  lastSyncAt: string | null;
  lastError: string | null;
  processed: number;
}

export interface Watcher {
  status(): MailboxStatus;
  stop(): Promise<void>;
}

const LEASE_TTL_MS = 6000;
const BATCH_MESSAGES = 200;
const BATCH_BYTES = 16 * 1024 * 1024;
const reachable = (db: Db) =>
  db.raw('select 1').then(
    () => true,
    () => false,
  );
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

interface Meta {
  uid: number;
  size?: number;
  internalDate?: Date | string;
}

/** Consecutive batches of at most BATCH_BYTES (a message over the size limit counts as the limit). */
function* byBytes(meta: readonly Meta[], maxMessage: number): Generator<Meta[]> {
  let batch: Meta[] = [];
  let bytes = 0;
  for (const m of meta) {
    const size = Math.min(m.size ?? 0, maxMessage);
    if (batch.length && bytes + size > BATCH_BYTES) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(m);
    bytes += size;
  }
  if (batch.length) yield batch;
}

async function checkpoint(db: Db, mailbox: string, uidvalidity: number, uidNext: number): Promise<number> {
  await db('ingest_checkpoints')
    .insert({ mailbox, uidvalidity, last_uid: Math.max(0, uidNext - 1) })
    .onConflict(['mailbox', 'uidvalidity'])
    .ignore();
  const row = await db('ingest_checkpoints').where({ mailbox, uidvalidity }).first('last_uid');
  return Number(row?.last_uid ?? 0);
}

/** Where a fresh session of this folder starts (what is above it, or unseen, is looked at). */
async function advanceCheckpoint(db: Db, mailbox: string, uidvalidity: number, uid: number): Promise<void> {
  await db.raw(
    `insert into ingest_checkpoints (mailbox, uidvalidity, last_uid) values (?, ?, ?)
     on conflict (mailbox, uidvalidity) do update
       set last_uid = greatest(ingest_checkpoints.last_uid, excluded.last_uid), updated_at = now()`,
    [mailbox, uidvalidity, uid],
  );
}

/**
 * Watches one IMAP folder of an account: catches up on what is unprocessed (unseen, or newer than the checkpoint), then IDLEs
 * (maxIdleTime doubles as the poll fallback). Each connection is a new ImapFlow; drops reconnect with backoff.
 * Only the holder of the folder's lease runs.
 */
export function watchMailbox(
  d: IngestDeps & { redis: Redis },
  account: ImapAccount,
  folder: string,
  mode: 'inbox' | 'sent',
): Watcher {
  const c = d.config;
  // The folder's name in checkpoints and records (the folder itself for the environment's account).
  const mailbox = folderKey(account, folder);
  const st: MailboxStatus = {
    mailbox,
    mode,
    state: 'standby',
    lastSyncAt: null,
    lastError: null,
    processed: 0,
  };
  const log = d.logger.child({ mailbox });
  const lease = new Lease(
    d.redis,
    `${c.REDIS_PREFIX}:ingest:lease:${account.user}@${account.host}:${folder}`,
    LEASE_TTL_MS,
  );
  let stopped = false;
  let client: ImapFlow | null = null;

  async function session(): Promise<void> {
    let lost = false;
    // Only the lease holder parses: its workers start now, while it connects, not in a standby process.
    warmParsePool();
    const imap = new ImapFlow({
      host: account.host,
      port: account.port,
      secure: account.secure,
      auth: { user: account.user, pass: account.password },
      logger: false,
      maxIdleTime: Math.min(c.IMAP_POLL_SECONDS, 300) * 1000,
    });
    client = imap;
    const renewer = setInterval(() => {
      void lease.renew().then((ok) => {
        if (!ok && !lost) {
          lost = true;
          log.warn('mailbox lease lost; another worker takes over');
          imap.close();
        }
      });
    }, LEASE_TTL_MS / 3);
    let pending = true;
    imap.on('error', (err: Error) => log.warn({ err: err.message }, 'imap connection error'));
    imap.on('exists', () => {
      pending = true;
      if (imap.idling) imap.noop().catch(() => {});
    });
    const closed = new Promise<void>((r) => imap.once('close', () => r()));
    try {
      st.state = 'connecting';
      await imap.connect();
      if (c.IMAP_PROCESSED_MAILBOX && mode === 'inbox')
        await imap.mailboxCreate(c.IMAP_PROCESSED_MAILBOX).catch(() => {});
      if (mode === 'inbox') await imap.mailboxCreate(c.IMAP_UNPROCESSABLE_MAILBOX).catch(() => {});
      const mb = await imap.mailboxOpen(folder);
      const uidvalidity = Number(mb.uidValidity);
      const since = await checkpoint(d.db, mailbox, uidvalidity, mb.uidNext);
      while (!stopped && !lost && imap.usable) {
        if (pending) {
          pending = false;
          st.state = 'syncing';
          await sync(imap, uidvalidity, since, () => stopped || lost);
          st.lastSyncAt = new Date().toISOString();
          st.lastError = null;
          continue;
        }
        st.state = 'idle';
        await Promise.race([imap.idle(), closed]);
        // IDLE ends on new mail (noop above), on maxIdleTime (the periodic poll) or on close.
        if (!pending && imap.usable) pending = true;
      }
    } finally {
      clearInterval(renewer);
      client = null;
      if (imap.usable) await imap.logout().catch(() => imap.close());
      else imap.close();
    }
  }

  async function sync(
    imap: ImapFlow,
    uidvalidity: number,
    since: number,
    halted: () => boolean,
  ): Promise<void> {
    const processedBox = mode === 'inbox' ? c.IMAP_PROCESSED_MAILBOX : undefined;
    // The checkpoint as of now (it moves during a session), so a long session does not look at its past again.
    const cp = await d.db('ingest_checkpoints').where({ mailbox, uidvalidity }).first('last_uid');
    const floor = Math.max(since, Number(cp?.last_uid ?? 0));
    const query = processedBox
      ? { all: true }
      : mode === 'sent'
        ? { uid: `${floor + 1}:*` }
        : { or: [{ uid: `${floor + 1}:*` }, { seen: false }] };
    const found = (await imap.search(query, { uid: true })) || [];
    const uids = [...new Set(found)].filter((u) => mode !== 'sent' || u > floor).sort((a, b) => a - b);
    if (!uids.length) {
      ingestLagSeconds.set({ mailbox }, 0);
      return;
    }
    const recorded = new Set<number>();
    for (let i = 0; i < uids.length; i += 1000) {
      const rows: { uid: number }[] = await d
        .db('inbound_mails')
        .where({ mailbox, uidvalidity })
        .whereIn('uid', uids.slice(i, i + 1000))
        .select('uid');
      for (const r of rows) recorded.add(Number(r.uid));
    }
    const done = uids.filter((u) => recorded.has(u));
    if (done.length && mode === 'inbox') await ack(imap, done, processedBox);
    const todo = uids.filter((u) => !recorded.has(u));
    if (!todo.length) {
      ingestLagSeconds.set({ mailbox }, 0);
      return;
    }
    // The next batch is fetched and parsed while the previous one commits and is acknowledged.
    let committing: Promise<void> = Promise.resolve();
    try {
      for (let k = 0; k < todo.length && !halted(); k += BATCH_MESSAGES) {
        // Sizes and dates first, a batch's worth at a time, so the first commit need not wait for all of them
        // (collected, then acted on: no command inside a fetch loop, imapflow #159).
        const meta = await imap.fetchAll(
          uidSet(todo.slice(k, k + BATCH_MESSAGES)),
          { uid: true, size: true, internalDate: true },
          { uid: true },
        );
        meta.sort((a, b) => a.uid - b.uid);
        if (k === 0) {
          const oldest = Math.min(
            Date.now(),
            ...meta.map((x) => new Date(x.internalDate ?? Date.now()).getTime()),
          );
          ingestLagSeconds.set({ mailbox }, Math.max(0, (Date.now() - oldest) / 1000));
        }
        for (const batch of byBytes(meta, c.MAIL_MAX_MESSAGE_BYTES)) {
          const items = await download(imap, batch, uidvalidity);
          if (!items.length) continue;
          await committing;
          if (halted()) break;
          committing = (async () => {
            const { acked, aside } = await commit(items, uidvalidity, halted);
            st.processed += acked.length;
            if (acked.length && mode === 'inbox') await ack(imap, acked, processedBox);
            if (aside.length && mode === 'inbox') await moveAside(imap, aside);
          })();
          // Awaited before the next commit or below; this only keeps it from counting as unhandled meanwhile.
          committing.catch(() => {});
        }
      }
      await committing;
    } catch (err) {
      // A session ends only once its last commit is over (it must not overlap the next session's).
      await committing.catch(() => {});
      throw err;
    }
    ingestLagSeconds.set({ mailbox }, 0);
  }

  /** A batch's sources (only the header block of a message over the size limit), parsed. */
  async function download(imap: ImapFlow, batch: readonly Meta[], uidvalidity: number): Promise<BatchItem[]> {
    const small = batch.filter((m) => (m.size ?? 0) <= c.MAIL_MAX_MESSAGE_BYTES).map((m) => m.uid);
    const big = batch.filter((m) => (m.size ?? 0) > c.MAIL_MAX_MESSAGE_BYTES).map((m) => m.uid);
    const sources = new Map<number, Buffer>();
    if (small.length)
      for (const f of await imap.fetchAll(uidSet(small), { uid: true, source: true }, { uid: true }))
        if (f.source) sources.set(f.uid, f.source);
    if (big.length)
      for (const f of await imap.fetchAll(uidSet(big), { uid: true, headers: true }, { uid: true }))
        if (f.headers) sources.set(f.uid, f.headers);
    // Parsed on the parse workers side by side; the batch keeps its UID order.
    return Promise.all(
      batch.flatMap((m) => {
        const raw = sources.get(m.uid);
        if (!raw) return []; // expunged meanwhile
        const msg: InboundMessage = {
          raw,
          mailbox,
          address: account.address,
          uidvalidity,
          uid: m.uid,
          size: m.size ?? raw.length,
          receivedAt: m.internalDate ? new Date(m.internalDate) : null,
        };
        return [prepareMessage(d, msg).then((prepared): BatchItem => ({ uid: m.uid, msg, prepared }))];
      }),
    );
  }

  /**
   * Commits a batch in one transaction with the checkpoint past it (nothing is acknowledged in IMAP before). When
   * that fails, each message is retried alone in its own transaction, where a message that breaks the ingest is
   * quarantined: one bad message never blocks or rolls back the others. A message that cannot even be
   * quarantined, while the database answers, is set aside (moved out of the folder by the caller). Returns the
   * committed UIDs and those set aside.
   */
  async function commit(
    items: BatchItem[],
    uidvalidity: number,
    halted: () => boolean,
  ): Promise<{ acked: number[]; aside: number[] }> {
    const last = items.at(-1)?.uid as number;
    try {
      const reports = await d.db.transaction(async (trx) => {
        const r = await commitBatch(d, trx, items, mode);
        await advanceCheckpoint(trx, mailbox, uidvalidity, last);
        return r;
      });
      for (const [uid, r] of reports) {
        mailsIngested.inc({ mailbox, outcome: r.action });
        logged(uid, r);
      }
      return { acked: items.map((it) => it.uid), aside: [] };
    } catch (err) {
      log.warn(
        { err: (err as Error).message },
        'group commit failed; committing the batch message by message',
      );
    }
    const acked: number[] = [];
    const aside: number[] = [];
    for (const it of items) {
      if (halted()) break;
      try {
        logged(it.uid, await ingestMessage(d, it.msg, { mode }, it.prepared));
        acked.push(it.uid);
      } catch (err) {
        // With the database down every message would fail: stop, and the next session tries again.
        if (!(await reachable(d.db))) throw err;
        log.error({ err, uid: it.uid }, 'message could not be recorded; set aside');
        mailsIngested.inc({ mailbox, outcome: 'unprocessable' });
        aside.push(it.uid);
      }
      await advanceCheckpoint(d.db, mailbox, uidvalidity, it.uid);
    }
    return { acked, aside };
  }

  /** Out of the watched folder, so it is not fetched again; flagged in place when the folder cannot take it. */
  async function moveAside(imap: ImapFlow, uids: number[]): Promise<void> {
    const range = uidSet(uids);
    try {
      await imap.messageMove(range, c.IMAP_UNPROCESSABLE_MAILBOX, { uid: true });
    } catch (err) {
      log.error(
        { err: (err as Error).message, folder: c.IMAP_UNPROCESSABLE_MAILBOX },
        'could not move unprocessable mail; flagged instead',
      );
      await imap.messageFlagsAdd(range, ['\\Seen', '\\Flagged'], { uid: true });
    }
  }

  function logged(uid: number, r: IngestReport) {
    log.debug({ uid, action: r.action, reason: r.reason.code, ticket: r.ticket }, 'ingested');
  }

  async function ack(imap: ImapFlow, uids: number[], processedBox: string | undefined): Promise<void> {
    const range = uidSet(uids);
    if (processedBox) await imap.messageMove(range, processedBox, { uid: true });
    else await imap.messageFlagsAdd(range, ['\\Seen'], { uid: true });
  }

  const loop = (async () => {
    let backoff = 1000;
    while (!stopped) {
      let held = false;
      try {
        held = await lease.acquire();
      } catch (err) {
        st.lastError = `redis: ${(err as Error).message}`;
      }
      if (!held) {
        st.state = 'standby';
        await sleep(1000);
        continue;
      }
      try {
        await session();
        backoff = 1000;
      } catch (err) {
        st.lastError = (err as Error).message;
        log.warn({ err: st.lastError, backoffMs: backoff }, 'mailbox session failed; reconnecting');
      } finally {
        await lease.release();
      }
      if (stopped) break;
      st.state = 'backoff';
      await sleep(backoff + Math.random() * 500);
      backoff = Math.min(backoff * 2, 60_000);
    }
    st.state = 'stopped';
  })();

  return {
    status: () => ({ ...st }),
    async stop() {
      stopped = true;
      client?.close();
      await loop;
    },
  };
}
