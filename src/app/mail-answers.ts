import type { Tx } from '../db/db.js';
import { writeOutbox } from './outbox.js';

/** Automatic answers to a mail sender (no ticket state changes): the outbound renders and sends them. */
export type MailAnswer =
  | {
      event: 'mail.unknown_sender';
      payload: {
        to: string;
        name: string;
        subject: string;
        inReplyTo: string | null;
        inboundMailId: number;
        language?: string;
      };
    }
  | {
      event: 'mail.attachment_too_big';
      payload: {
        to: string;
        name: string;
        subject: string;
        inReplyTo: string | null;
        files: { name: string; size: number }[];
        limit: number;
        ticketId: number | null;
        userId: number | null;
      };
    }
  | {
      event: 'mail.rejected';
      payload: {
        to: string;
        subject: string;
        inReplyTo: string | null;
        reason: 'unreadable' | 'too_large';
        inboundMailId: number;
      };
    };

export async function answerMailSender(trx: Tx, answer: MailAnswer): Promise<void> {
  const ticketId = answer.event === 'mail.attachment_too_big' ? answer.payload.ticketId : null;
  await writeOutbox(trx, [{ event: answer.event, ticketId, payload: answer.payload }]);
}
