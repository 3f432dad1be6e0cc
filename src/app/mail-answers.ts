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
      /** To an agent whose mail was not applied (or applied with a warning): what happened and why. */
      event: 'mail.agent_notice';
      payload: {
        to: string;
        name: string;
        subject: string;
        inReplyTo: string | null;
        /** The decision's reason code, and its text in the agent's language. */
        code: string;
        reason: string;
        language: string;
        ticketId: number | null;
        userId: number;
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
  const ticketId =
    answer.event === 'mail.attachment_too_big' || answer.event === 'mail.agent_notice'
      ? answer.payload.ticketId
      : null;
  await writeOutbox(trx, [{ event: answer.event, ticketId, payload: answer.payload }]);
}
