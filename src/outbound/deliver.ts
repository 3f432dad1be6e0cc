import type { SendMailOptions } from 'nodemailer';
import type { Config } from '../config/config.js';
import type { Db } from '../db/db.js';
import { signReplyToken } from '../domain/tokens.js';
import type { Logger } from '../infra/logger.js';
import { notifications } from '../metrics/metrics.js';
import { loadOutbox, type OutboxRecord, type PlannedMail, planMails } from './compose.js';
import { automaticHeaders, newMessageId, replyToAddress, threadRoot } from './headers.js';
import type { Templates } from './templates.js';
import { isPermanent, type MailTransport, mailKey } from './transport.js';

export interface DeliverDeps {
  db: Db;
  config: Config;
  logger: Logger;
  templates: Templates;
  transport: MailTransport;
}

interface DeliveryRow {
  id: number;
  status: 'sending' | 'sent' | 'failed' | 'bounced';
  message_id: string;
}

const bare = (id: string) => id.replace(/^<|>$/g, '');
const oneLine = (err: unknown) =>
  String((err as Error).message ?? err)
    .split('\n')[0]
    ?.slice(0, 500) ?? '';

/** A temporary failure (4xx, connection): the job is retried later with backoff. */
export class TemporaryFailure extends Error {
  override name = 'TemporaryFailure';
}

/**
 * Sends every mail of one outbox row, once each: a `deliveries` row (unique per outbox row and recipient) is
 * written before sending and confirmed after, so a retried job skips what was confirmed. 5xx: recorded as
 * failed and on the user, not retried. 4xx/connection: the job throws and BullMQ retries; on the last attempt
 * the remaining mails are recorded as failed.
 */
export async function deliverOutbox(d: DeliverDeps, outboxId: number, lastAttempt: boolean): Promise<void> {
  const row = await loadOutbox(d.db, outboxId);
  if (!row || row.done_at) return;
  const mails = await planMails(d.db, d.config, row);
  let temporary: unknown = null;
  let finished = false;
  for (const [i, mail] of mails.entries()) {
    try {
      // The last mail of a job without failures confirms itself and the outbox row in one statement.
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
  const where = { outbox_id: row.id, recipient: r.email };
  if (r.skip === 'bounced') {
    const [skipped] = await d
      .db('deliveries')
      .insert({
        ...record,
        message_id: bare(newMessageId(d.config, null)),
        status: 'bounced',
        error: `not sent: the address bounced on ${r.bouncedAt?.toISOString() ?? 'an earlier mail'}`,
      })
      .onConflict(['outbox_id', 'recipient'])
      .ignore()
      .returning('id');
    if (skipped) notifications.inc({ event: row.event, result: 'bounced' });
    return false;
  }
  const token = mail.replyToken ? signReplyToken(d.config.SECRET, mail.replyToken) : null;
  let messageId = newMessageId(d.config, token);
  // Claim the (outbox row, recipient) pair; when it exists, a confirmed or refused mail is not sent again, and
  // an unconfirmed one is retried under its first Message-ID, so a copy that did go out is recognised.
  const [claimed] = await d
    .db('deliveries')
    .insert({ ...record, message_id: bare(messageId), status: 'sending' })
    .onConflict(['outbox_id', 'recipient'])
    .ignore()
    .returning('id');
  if (!claimed) {
    const existing: DeliveryRow = await d.db('deliveries').where(where).first('id', 'status', 'message_id');
    if (existing.status !== 'sending') return false;
    messageId = `<${existing.message_id}>`;
  }
  const plan = await mail.plan();
  const { html, text } = d.templates.render(plan.template, plan.data);
  const root = plan.ticketId !== null ? threadRoot(d.config, plan.ticketId) : null;
  const references = [...plan.references, ...(root ? [root] : [])];
  const message: SendMailOptions = {
    from: { name: plan.fromName, address: d.config.SUPPORT_ADDRESS },
    to: { name: r.name, address: r.email },
    replyTo: replyToAddress(d.config, token),
    subject: plan.subject,
    html,
    text,
    messageId,
    ...(plan.inReplyTo || root ? { inReplyTo: plan.inReplyTo ?? root ?? '' } : {}),
    ...(references.length ? { references } : {}),
    headers: automaticHeaders(d.config),
    envelope: { from: d.config.SUPPORT_ADDRESS, to: [r.email] },
  };
  try {
    await d.transport.send(message, mailKey(row.id, r.email));
  } catch (err) {
    if (isPermanent(err)) {
      const reason = oneLine(err);
      await d.db('deliveries').where(where).update({ status: 'failed', error: reason });
      if (r.userId !== null) {
        await d.db('users').where({ id: r.userId }).update({ bounced_at: new Date(), bounce_reason: reason });
      }
      notifications.inc({ event: row.event, result: 'failed' });
      d.logger.warn(
        { outboxId: row.id, recipient: r.email, err: reason },
        'notification refused by the relay',
      );
      return false;
    }
    await d
      .db('deliveries')
      .where(where)
      .update({ error: oneLine(err) });
    notifications.inc({ event: row.event, result: 'retried' });
    throw new TemporaryFailure(oneLine(err));
  }
  notifications.inc({ event: row.event, result: 'sent' });
  if (!last) {
    await d.db('deliveries').where(where).update({ status: 'sent', sent_at: new Date(), error: null });
    return false;
  }
  await d.db.raw(
    `with d as (update deliveries set status = 'sent', sent_at = now(), error = null
       where outbox_id = ? and recipient = ? returning 1)
     update outbox set done_at = now(), attempts = attempts + 1, last_error = null where id = ?`,
    [row.id, r.email, row.id],
  );
  return true;
}
