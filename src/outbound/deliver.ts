import { clearBounceMark, markBounced } from '../app/accounts/bounces.js';
import type { AppContext } from '../app/context.js';
import type { Config } from '../config/config.js';
import type { Db } from '../db/db.js';
import type { StatementPool } from '../db/prepared-query.js';
import { signReplyToken } from '../domain/tokens.js';
import type { Logger } from '../infra/logger.js';
import { notifications } from '../metrics/metrics.js';
import { withBatchFence } from './batch-fence.js';
import { planMails } from './compose.js';
import type { DeliveryStore } from './delivery-store.js';
import { buildMessage, messageIdFor } from './headers.js';
import type { OutboxRecord } from './outbox-load.js';
import type { PlannedMail } from './plan.js';
import type { Templates } from './templates.js';
import { TemporaryFailure } from './temporary-failure.js';
import type { NotificationTexts } from './text-overrides.js';
import { isPermanent, type MailTransport, mailKey } from './transport.js';

export interface DeliverDeps {
  db: Db;
  /** The batch's load and each mail's confirmation. */
  store: DeliveryStore;
  /** Connections held by running batches for their fence (see batch-fence.ts): one per concurrent job. */
  fences: StatementPool;
  config: Config;
  logger: Logger;
  templates: Templates;
  /** The admins' texts, cached (text-overrides.ts). */
  texts: NotificationTexts;
  transport: MailTransport;
}

const appOf = (d: DeliverDeps): AppContext => ({
  db: d.db,
  catalog: d.config.catalog,
  ticketPrefix: d.config.TICKET_PREFIX,
});

/**
 * A 5xx about the recipient (no such mailbox: enhanced status 5.1.x, or a refused RCPT TO without one), as
 * opposed to one about us (5.7.x policy on the sender, authentication, message refused at DATA).
 */
export function refusesRecipient(err: unknown): boolean {
  const e = err as { command?: unknown; response?: unknown; responseCode?: unknown; message?: unknown };
  const enhanced = /\b5\.(\d{1,3})\.\d{1,3}\b/.exec(`${String(e.response ?? '')} ${String(e.message ?? '')}`);
  if (enhanced) return enhanced[1] === '1';
  return e.command === 'RCPT TO' && [550, 551, 553].includes(Number(e.responseCode));
}

const bare = (id: string) => id.replace(/^<|>$/g, '');
const oneLine = (err: unknown) =>
  String((err as Error).message ?? err)
    .split('\n')[0]
    ?.slice(0, 500) ?? '';

/**
 * Sends every mail of the rows of one batch (one queue job) not done yet, the rows side by side. Throws when a
 * row failed, after the others were sent: the job is retried, and the retry skips what was done.
 */
export async function deliverBatch(d: DeliverDeps, batch: number, lastAttempt: boolean): Promise<void> {
  await withBatchFence(d.fences, batch, async () => {
    const rows = await d.store.load(batch);
    const failed = (await Promise.allSettled(rows.map((row) => deliverOutbox(d, row, lastAttempt)))).find(
      (r) => r.status === 'rejected',
    );
    if (failed) throw failed.reason;
  });
}

/**
 * Sends every mail of one outbox row, once each: each sent mail is confirmed in `deliveries` (unique per outbox
 * row and recipient), and a retried job skips what was confirmed or refused. The Message-ID is derived from the
 * outbox row and recipient, so a mail sent just before a crash is re-sent under the same Message-ID (at least
 * once, recognisable) without a write before sending: the batch's load and each mail's confirmation.
 * 5xx: recorded as failed and on the user, not retried. 4xx/connection: recorded as still `sending` with the
 * error, the row throws and BullMQ retries the job; on the last attempt the remaining mails are recorded as failed.
 */
async function deliverOutbox(d: DeliverDeps, row: OutboxRecord, lastAttempt: boolean): Promise<void> {
  const outboxId = row.id;
  const mails = await planMails(d.db, d.config, row, d.texts);
  let temporary: unknown = null;
  let finished = false;
  for (const [i, mail] of mails.entries()) {
    try {
      // The last mail of a row without failures confirms itself and the row in one statement.
      finished = await deliverOne(d, row, mail, i === mails.length - 1 && temporary === null);
    } catch (err) {
      if (!(err instanceof TemporaryFailure)) throw err;
      temporary ??= err;
    }
  }
  if (temporary && !lastAttempt) {
    await d
      .db('outbox')
      .where({ id: outboxId })
      .update({ attempts: d.db.raw('attempts + 1'), last_error: oneLine(temporary) });
    throw temporary;
  }
  if (finished) return;
  if (temporary) {
    await d
      .db('deliveries')
      .where({ outbox_id: outboxId, status: 'sending' })
      .update({ status: 'failed', error: `gave up: ${oneLine(temporary)}` });
  }
  await d
    .db('outbox')
    .where({ id: outboxId })
    .update({
      done_at: new Date(),
      attempts: d.db.raw('attempts + 1'),
      last_error: temporary ? oneLine(temporary) : null,
    });
  if (temporary) throw temporary;
}

/** Sends one mail unless already settled; returns true when it also marked the outbox row done (`last`). */
async function deliverOne(
  d: DeliverDeps,
  row: OutboxRecord,
  mail: PlannedMail,
  last: boolean,
): Promise<boolean> {
  const r = mail.recipient;
  const record = {
    outbox_id: row.id,
    ticket_id: row.ticket_id,
    user_id: r.userId,
    recipient: r.email,
    event: row.event,
  };
  const past = row.deliveries.get(r.email);
  // Confirmed, refused or skipped by an earlier attempt: never again.
  if (past && past.status !== 'sending') return false;
  const token = mail.replyToken ? signReplyToken(d.config.SECRET, mail.replyToken) : null;
  // An attempt that did not confirm is retried under the Message-ID it recorded (the same, when derived here).
  const messageId = past ? `<${past.messageId}>` : messageIdFor(d.config, row.id, r.email, token);
  const settle = (status: 'sending' | 'failed' | 'bounced', error: string) =>
    d
      .db('deliveries')
      .insert({ ...record, message_id: bare(messageId), status, error })
      .onConflict(['outbox_id', 'recipient'])
      .merge(['status', 'error']);
  if (r.skip === 'bounced') {
    await settle(
      'bounced',
      `not sent: the address bounced on ${r.bouncedAt?.toISOString() ?? 'an earlier mail'}`,
    );
    notifications.inc({ event: row.event, result: 'bounced' });
    return false;
  }
  const plan = await mail.plan();
  const { html, text } = d.templates.render(plan.template, plan.data);
  const message = buildMessage(d.config, {
    fromName: plan.fromName,
    fromAddress: row.sender?.address ?? d.config.SUPPORT_ADDRESS,
    lang: plan.lang,
    to: { name: r.name, address: r.email },
    replyToken: token,
    subject: plan.subject,
    html,
    text,
    messageId,
    ticketId: plan.ticketId,
    inReplyTo: plan.inReplyTo,
    references: plan.references,
  });
  try {
    await d.transport.send(message, mailKey(row.id, r.email));
  } catch (err) {
    if (isPermanent(err)) {
      const reason = oneLine(err);
      await settle('failed', reason);
      if (refusesRecipient(err)) {
        if (r.userId !== null)
          await markBounced(appOf(d), { email: r.email, reason, ticketId: row.ticket_id });
        notifications.inc({ event: row.event, result: 'failed' });
        d.logger.warn(
          { outboxId: row.id, recipient: r.email, err: reason },
          'recipient refused by the relay',
        );
      } else {
        // Our relay refused the mail itself (authentication, policy on the sender): the address is not to blame.
        notifications.inc({ event: row.event, result: 'relay_refused' });
        d.logger.error(
          { outboxId: row.id, recipient: r.email, err: reason },
          'notification refused by the relay for a reason that is not the recipient: check SMTP_URL and the relay',
        );
      }
      return false;
    }
    await settle('sending', oneLine(err));
    notifications.inc({ event: row.event, result: 'retried' });
    throw new TemporaryFailure(oneLine(err));
  }
  notifications.inc({ event: row.event, result: 'sent' });
  // Accepted again after a mark that expired: the address works.
  if (r.bouncedAt && r.userId !== null) await clearBounceMark(appOf(d), { userId: r.userId });
  // The confirmation, and for the last mail of a job without failures the outbox row too, in one statement.
  await d.store.confirm({ ...record, message_id: bare(messageId), finish: last });
  return last;
}
