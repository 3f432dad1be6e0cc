import { type MailReason, storedReason } from '../domain/mail-reasons.js';
import type { ParsedAttachment } from './parse.js';

export type IngestAction = 'new_ticket' | 'followup' | 'reopen' | 'ignored' | 'held' | 'rejected';

/** What happened to one message; also the `--json` output of the pipe mode. */
export interface IngestReport {
  action: IngestAction;
  reason: { code: MailReason; text: string };
  ticket: string | null;
  sender: { address: string | null; role: 'customer' | 'agent' | 'unknown' };
  text: string;
  attachments: { name: string; size: number; accepted: boolean }[];
  /** Id of the inbound_mails record (null in a dry run or for an already recorded UID). */
  inboundMailId: number | null;
  dryRun: boolean;
}

/** The effect part of an outcome, before it is written into the record. */
export interface Effect {
  action: IngestAction;
  code: MailReason;
  text: string;
  ticketId: number | null;
  followupId: number | null;
  /** Put in the quarantine agents see (quarantine_state = 'held'). */
  quarantine: boolean;
  /** An automatic answer was written for the sender (counts toward the per-sender answer limit). */
  answered: boolean;
  /**
   * A held stranger who looks like a person: the name their account would get. The quarantine offers to make
   * them a customer with this message as their first ticket.
   */
  person?: string;
}

export const effect = (
  action: IngestAction,
  code: MailReason,
  text: string,
  more: Partial<Omit<Effect, 'action' | 'code' | 'text'>> = {},
): Effect => ({
  action,
  code,
  text,
  ticketId: null,
  followupId: null,
  quarantine: action === 'held',
  answered: false,
  ...more,
});

/** What the record and the report say of each attachment. */
export const attachmentSummary = (files: readonly ParsedAttachment[]) =>
  files.map((a) => ({ name: a.filename, size: a.size, accepted: a.data !== null }));

/** The outcome columns of an inbound_mails record, written the same way by the ingest and by a release. */
export const outcomeColumns = (
  e: Effect,
  role: IngestReport['sender']['role'],
  files: readonly ParsedAttachment[],
) => ({
  outcome: e.action,
  reason: storedReason(e.code, e.text),
  ticket_id: e.ticketId,
  followup_id: e.followupId,
  details: {
    code: e.code,
    answered: e.answered,
    role,
    attachments: attachmentSummary(files),
    ...(e.person ? { person: e.person } : {}),
  },
});
