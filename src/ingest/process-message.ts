import type { AppContext } from '../app/context.js';
import { answerMailSender } from '../app/mail-answers.js';
import type { Config } from '../config/config.js';
import type { Db, Tx } from '../db/db.js';
import { type MailReason, storedReason } from '../domain/mail-reasons.js';
import { formatReference } from '../domain/reference.js';
import type { Logger } from '../infra/logger.js';
import { mailsIngested } from '../metrics/metrics.js';
import { type DecideContext, type Decision, decide } from './decide.js';
import { attachmentSummary, type Effect, effect, type IngestReport, outcomeColumns } from './outcome.js';
import type { ParsedMail } from './parse.js';
import { pgSafe, pgText } from './pg-safe.js';
import { readMail } from './read-mail.js';
import { mayAutoAnswer } from './robots.js';

export interface InboundMessage {
  /** The whole message, or only its header block when it is over MAIL_MAX_MESSAGE_BYTES. */
  raw: Buffer;
  /** The IMAP folder's key (accounts.ts folderKey), or `pipe` for the command line. */
  mailbox: string;
  /** The support address of the account it was fetched from; unknown for the command line. */
  address?: string;
  uidvalidity: number | null;
  uid: number | null;
  /** RFC822.SIZE (the raw length in pipe mode). */
  size: number;
  receivedAt: Date | null;
}

export interface IngestDeps {
  config: Config;
  logger: Logger;
  db: Db;
  app: AppContext;
}

/** Raw messages up to this size stay on the record with the outcome; bigger ones only when quarantined. */
const KEEP_RAW_MAX = 5 * 1024 * 1024;

class DryRun extends Error {
  constructor(readonly report: IngestReport) {
    super('dry run');
  }
}

const headerBlock = (raw: Buffer) => {
  const text = raw.subarray(0, 256 * 1024).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  return end < 0 ? text : text.slice(0, end);
};

/** The sender and robot markers of a message mailparser could not read, from its raw header block. */
function rawEnvelope(raw: Buffer): {
  from: string | null;
  subject: string;
  robot: boolean;
  messageId: string | null;
} {
  const head = headerBlock(raw).replace(/\r?\n[ \t]+/g, ' ');
  const from = /^From:.*?<?([^\s<>"]+@[^\s<>"]+)>?\s*$/im.exec(head)?.[1]?.toLowerCase() ?? null;
  const robot =
    /^(?:auto-submitted:\s*(?!no\b)\S|precedence:\s*(?:bulk|junk|list)|list-id:|x-autoreply:|x-autorespond:|return-path:\s*<\s*>)/im.test(
      head,
    ) || /^(?:mailer-daemon|postmaster)@/i.test(from ?? '');
  const messageId = /^Message-ID:\s*<?([^\s<>]+)>?/im.exec(head)?.[1] ?? null;
  return { from, subject: /^Subject:\s*(.*)$/im.exec(head)?.[1]?.slice(0, 500) ?? '', robot, messageId };
}

/** Parses a message on a parse worker (no I/O here): what the commit step and the watcher's ordering need. */
export async function prepareMessage(d: IngestDeps, msg: InboundMessage): Promise<Prepared> {
  const tooLarge = msg.size > d.config.MAIL_MAX_MESSAGE_BYTES;
  const { parsed, error: parseError } = await readMail(
    tooLarge ? Buffer.from(`${headerBlock(msg.raw)}\r\n\r\n`, 'latin1') : msg.raw,
    { maxAttachmentBytes: d.config.catalog.maxAttachmentBytes, timeoutMs: d.config.MAIL_PARSE_TIMEOUT_MS },
  );
  // The raw header block (what is known of a message the parser could not read), made storable like the rest.
  const env = pgSafe(rawEnvelope(msg.raw));
  return {
    parsed,
    parseError,
    tooLarge,
    messageId: parsed ? parsed.messageId : env.messageId,
    from: parsed ? (parsed.from?.address ?? null) : env.from,
    subject: parsed ? parsed.subject : env.subject,
    env,
  };
}

/**
 * Ingests one message exactly once: the record (mailbox, UIDVALIDITY, UID, Message-ID, outcome) and the effect
 * commit in one transaction. A second delivery of a recorded UID or Message-ID changes nothing. In a dry run the
 * same path runs and is rolled back.
 */
export async function ingestMessage(
  d: IngestDeps,
  msg: InboundMessage,
  opts: { mode: 'inbox' | 'sent'; dryRun?: boolean },
  prepared?: Prepared,
): Promise<IngestReport> {
  const p = prepared ?? (await prepareMessage(d, msg));
  const run = () => d.db.transaction((trx) => once(d, trx, msg, opts, p));
  let report: IngestReport;
  const transient = (err: unknown) => ['40001', '40P01'].includes((err as { code?: string }).code ?? '');
  try {
    report = await run().catch((err: unknown) => (transient(err) ? run() : Promise.reject(err)));
  } catch (err) {
    if (err instanceof DryRun) return err.report;
    if (
      !(await d.db.raw('select 1').then(
        () => true,
        () => false,
      ))
    )
      throw err;
    // A message that breaks the ingest is quarantined with the reason, so it cannot block the mailbox.
    d.logger.error(
      { err, mailbox: msg.mailbox, uid: msg.uid, messageId: p.messageId },
      'ingest failed on a message; quarantined',
    );
    report = await quarantineAsIs(d, msg, p, opts, (err as Error).message);
  }
  mailsIngested.inc({ mailbox: msg.mailbox, outcome: report.action });
  return report;
}

/** A database error in its own words: knex puts the whole statement, values and all, before them. */
const withoutStatement = (message: string): string =>
  message.replace(/^(?:insert|update|delete|select|with)\b[\s\S]* - /i, '');

/**
 * The last resort for a message that broke the ingest: one insert of storable text (the reason as plain text,
 * the source as bytes, fixed details), no decision and no answer, so nothing in the message can make it fail.
 */
async function quarantineAsIs(
  d: IngestDeps,
  msg: InboundMessage,
  p: Prepared,
  opts: { dryRun?: boolean },
  why: string,
): Promise<IngestReport> {
  const e = effect('held', 'internal_error', pgText(withoutStatement(why)).slice(0, 300), {
    quarantine: true,
  });
  if (opts.dryRun) return reportOf(d, p, opts, e, null);
  return d.db.transaction(async (trx) => {
    const [row] = await trx('inbound_mails')
      .insert({
        ...recordColumns(msg, p),
        message_id: p.messageId,
        outcome: 'held',
        reason: storedReason(e.code, e.text),
        quarantine_state: 'held',
        raw: msg.raw,
        details: JSON.stringify({ code: e.code }),
      })
      .onConflict()
      .ignore()
      .returning('id');
    return row ? reportOf(d, p, opts, e, row.id) : unrecorded(d, trx, msg, p, opts);
  });
}

export interface Prepared {
  parsed: ParsedMail | null;
  parseError: string | null;
  tooLarge: boolean;
  messageId: string | null;
  from: string | null;
  subject: string;
  env: { robot: boolean };
}

/** The columns a record starts with, before its outcome is known. */
export const recordColumns = (msg: InboundMessage, p: Prepared) => ({
  mailbox: msg.mailbox,
  uidvalidity: msg.uidvalidity,
  uid: msg.uid,
  from_address: p.from,
  subject: p.subject,
  size: msg.size,
  received_at: msg.receivedAt,
});

export function reportOf(
  d: IngestDeps,
  p: Prepared,
  opts: { dryRun?: boolean },
  e: Effect,
  id: number | null,
  dec?: Decision,
): IngestReport {
  return {
    action: e.action,
    reason: { code: e.code, text: e.text },
    ticket:
      e.ticketId && !(opts.dryRun && e.action === 'new_ticket')
        ? formatReference(d.config.TICKET_PREFIX, e.ticketId)
        : null,
    sender: { address: p.from, role: dec?.role ?? 'unknown' },
    text: dec?.text ?? p.parsed?.text.trim() ?? '',
    attachments: attachmentSummary(p.parsed?.attachments ?? []),
    inboundMailId: opts.dryRun ? null : id,
    dryRun: Boolean(opts.dryRun),
  };
}

/** A message whose record could not be inserted: its UID is already recorded, or its Message-ID is (one effect). */
export async function unrecorded(
  d: IngestDeps,
  trx: Tx,
  msg: InboundMessage,
  p: Prepared,
  opts: { dryRun?: boolean },
): Promise<IngestReport> {
  const raced =
    msg.uid === null
      ? undefined
      : await trx('inbound_mails')
          .where({ mailbox: msg.mailbox, uidvalidity: msg.uidvalidity, uid: msg.uid })
          .first('id', 'ticket_id', 'outcome');
  if (raced)
    return reportOf(
      d,
      p,
      opts,
      effect('ignored', 'already_recorded', `this UID was already ingested (${raced.outcome})`, {
        ticketId: raced.ticket_id,
      }),
      raced.id,
    );
  const first = await trx('inbound_mails').where({ message_id: p.messageId }).first('id', 'ticket_id');
  const e = effect('ignored', 'duplicate', `same Message-ID as record ${first?.id ?? '?'}: one effect only`, {
    ticketId: first?.ticket_id ?? null,
  });
  const [dup] = await trx('inbound_mails')
    .insert({
      ...recordColumns(msg, p),
      message_id: null,
      outcome: 'ignored',
      reason: `duplicate: ${e.text}`,
      details: JSON.stringify({ duplicateOf: first?.id ?? null }),
    })
    .returning('id');
  return reportOf(d, p, opts, e, dup.id);
}

/** Over the size limit or unreadable: quarantined, and the sender told once (never a robot). */
async function rejectUnreadable(
  trx: Tx,
  msg: InboundMessage,
  p: Prepared,
  recordId: number,
): Promise<Effect> {
  const reason: MailReason = p.tooLarge ? 'too_large' : 'unreadable';
  let answered = false;
  if (p.from && !p.env.robot && mayAutoAnswer(p.from)) {
    await answerMailSender(trx, {
      event: 'mail.rejected',
      payload: { to: p.from, subject: p.subject, inReplyTo: p.messageId, reason, inboundMailId: recordId },
    });
    answered = true;
  }
  return effect(
    'rejected',
    reason,
    p.tooLarge ? `message of ${msg.size} bytes is over the limit` : `unreadable: ${p.parseError}`,
    { quarantine: true, answered },
  );
}

/**
 * What a recorded message does, inside the caller's transaction: quarantined when unreadable, else decided and
 * done through the use cases. `batch` carries what the group commit shares across a round.
 */
export async function effectOf(
  d: IngestDeps,
  trx: Tx,
  msg: InboundMessage,
  p: Prepared,
  recordId: number,
  mode: 'inbox' | 'sent',
  batch: Pick<DecideContext, 'lookups' | 'open'> = {},
): Promise<{ e: Effect; dec?: Decision }> {
  if (p.tooLarge || p.parseError || !p.parsed) return { e: await rejectUnreadable(trx, msg, p, recordId) };
  const app: AppContext = { ...d.app, db: trx };
  const dec = await decide(
    { trx, app, config: d.config, mode, recordId, raw: msg.raw, fetchedFor: msg.address, ...batch },
    p.parsed,
  );
  return { e: dec.effect, dec };
}

/** The outcome columns written on a record once its effect is done. */
export function outcomeUpdate(msg: InboundMessage, p: Prepared, e: Effect, dec?: Decision) {
  const keepRaw = e.quarantine || msg.raw.length <= KEEP_RAW_MAX;
  const { details, ...columns } = outcomeColumns(e, dec?.role ?? 'unknown', p.parsed?.attachments ?? []);
  return {
    ...columns,
    quarantine_state: e.quarantine ? ('held' as const) : null,
    raw: keepRaw ? msg.raw : null,
    details: JSON.stringify({
      ...details,
      ...(p.parsed?.notes.length ? { parse: p.parsed.notes } : {}),
      ...(keepRaw ? {} : { rawDropped: 'over 5 MB; attachments over the limit are not kept' }),
    }),
  };
}

async function once(
  d: IngestDeps,
  trx: Tx,
  msg: InboundMessage,
  opts: { mode: 'inbox' | 'sent'; dryRun?: boolean },
  p: Prepared,
): Promise<IngestReport> {
  const [row] = await trx('inbound_mails')
    .insert({ ...recordColumns(msg, p), message_id: p.messageId, outcome: 'processing' })
    .onConflict()
    .ignore()
    .returning('id');
  if (!row) return finish(opts, await unrecorded(d, trx, msg, p, opts));
  const recordId = row.id as number;
  const { e, dec } = await effectOf(d, trx, msg, p, recordId, opts.mode);
  await trx('inbound_mails')
    .where({ id: recordId })
    .update(outcomeUpdate(msg, p, e, dec));
  return finish(opts, reportOf(d, p, opts, e, recordId, dec));
}

function finish(opts: { dryRun?: boolean }, r: IngestReport): IngestReport {
  if (opts.dryRun) throw new DryRun(r);
  return r;
}
