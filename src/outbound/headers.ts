import { createHmac } from 'node:crypto';
import type { SendMailOptions } from 'nodemailer';
import type { Config } from '../config/config.js';

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);

/**
 * `<{random}.{replyToken}@{support domain}>`: replies quoting it in In-Reply-To/References find the ticket.
 * The random part is a keyed hash of the outbox row and recipient: unguessable, unique per mail, and the same
 * on every attempt, so a copy sent before a crash and its re-send carry one Message-ID without storing it first.
 */
export const messageIdFor = (
  config: Config,
  outboxId: number,
  recipient: string,
  replyToken: string | null,
): string =>
  `<${createHmac('sha256', config.SECRET).update(`message-id:${outboxId}:${recipient}`).digest('hex').slice(0, 18)}${replyToken ? `.${replyToken}` : ''}@${domainOf(config.SUPPORT_ADDRESS)}>`;

/** support+TOKEN@domain when sub-addressing is on; the plain support address otherwise. */
export function replyToAddress(
  config: Config,
  replyToken: string | null,
  addr: string = config.SUPPORT_ADDRESS,
): string {
  if (!replyToken || !config.SUBADDRESS_SEPARATOR) return addr;
  const at = addr.lastIndexOf('@');
  return `${addr.slice(0, at)}${config.SUBADDRESS_SEPARATOR}${replyToken}${addr.slice(at)}`;
}

/** The stable id every mail of a ticket refers to, so mail clients show one thread per ticket. */
export const threadRoot = (config: Config, ticketId: number): string =>
  `<ticket-${ticketId}@${domainOf(config.SUPPORT_ADDRESS)}>`;

/** RFC 3834 and loop-prevention headers on every automatic mail; no List-Unsubscribe on transactional mail. */
export const automaticHeaders = (config: Config): Record<string, string> => ({
  'Auto-Submitted': 'auto-generated',
  'X-Auto-Response-Suppress': 'All',
  'X-Loop': config.SUPPORT_ADDRESS,
});

export interface MessageParts {
  fromName: string;
  /** The support address the mail is from (a ticket's mailbox); SUPPORT_ADDRESS by default. */
  fromAddress?: string;
  /** The language the mail is written in (Content-Language). */
  lang: string;
  to: { name: string; address: string };
  replyToken: string | null;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  /** Every mail of a ticket refers to its thread root. */
  ticketId: number | null;
  /** The mail this one answers; a ticket's mail without one answers the thread root. */
  inReplyTo: string | null;
  /** The conversation before this mail, oldest first (after the thread root). */
  references: string[];
}

/** The message handed to nodemailer, with every header of the contract (also what the benchmark sends raw). */
export function buildMessage(config: Config, m: MessageParts): SendMailOptions {
  const root = m.ticketId !== null ? threadRoot(config, m.ticketId) : null;
  const references = [...(root ? [root] : []), ...m.references.filter((r) => r !== root)];
  const from = m.fromAddress ?? config.SUPPORT_ADDRESS;
  return {
    from: { name: m.fromName, address: from },
    to: m.to,
    // A display name, so the reply's To: reads "Soporte IzarLink" rather than a long sub-address.
    replyTo: { name: m.fromName, address: replyToAddress(config, m.replyToken, from) },
    subject: m.subject,
    html: m.html,
    text: m.text,
    messageId: m.messageId,
    ...(m.inReplyTo || root ? { inReplyTo: m.inReplyTo ?? root ?? '' } : {}),
    ...(references.length ? { references } : {}),
    headers: { ...automaticHeaders(config), 'Content-Language': m.lang },
    // Bounces go back to the address the mail is from (a watched mailbox), aligned with From for SPF.
    envelope: { from, to: [m.to.address] },
    // Our parts are mostly Latin text: quoted-printable without scanning each part twice to choose an encoding.
    textEncoding: 'quoted-printable',
  };
}
