/**
 * Why the ingest did what it did with a message: the code of its record in inbound_mails (`details.code`, and
 * the head of `reason`, stored as "code: explanation"). Decisions, the quarantine page and its digest, the
 * reason labels (agent:quarantine.reasons.*) and SQL filters all take their codes from this list.
 */
export const MAIL_REASONS = [
  // Robots: ignored (robots.ts).
  'loop',
  'bounce',
  'auto_reply',
  'list',
  'automated',
  // Held for an agent.
  'no_sender',
  'token_other_sender',
  'agent_not_verified',
  'agent_without_ticket',
  'not_authenticated',
  'conflicting_commands',
  'conflicting_canned',
  'unknown_canned',
  'effect_refused',
  'rate_limited',
  'internal_error',
  // Refused.
  'unknown_sender',
  'too_large',
  'unreadable',
  // Recorded once already, or nothing to do.
  'already_recorded',
  'duplicate',
  'sent_unmatched',
  // A follow-up (or a reopening) on a ticket.
  'refused_solution',
  'solution_comment',
  'matched_by_token',
  'matched_by_thread',
  'matched_by_subject',
  'agent_command',
  'agent_reply',
  'agent_note',
  'sent_by_agent',
  // A new ticket.
  'new_conversation',
  'ticket_closed',
  'not_a_party',
  'account_created',
] as const;

export type MailReason = (typeof MAIL_REASONS)[number];

export const isMailReason = (v: unknown): v is MailReason =>
  typeof v === 'string' && (MAIL_REASONS as readonly string[]).includes(v);

/** A record's `reason` column: the code, then what happened in words. */
export const storedReason = (code: MailReason, text: string): string => `${code}: ${text}`.slice(0, 1000);

/** The code of a stored reason; null when it names none (a record written by hand). */
export function reasonCode(stored: string | null): MailReason | null {
  const head = (stored ?? '').split(':')[0]?.trim();
  return isMailReason(head) ? head : null;
}
