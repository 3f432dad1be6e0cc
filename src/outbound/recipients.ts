import type { OutboxEvent } from '../app/outbox.js';
import type { TemplateName } from './templates.js';

/** Who a rule addresses; resolved against the event's facts in resolveRecipients. */
export type Audience =
  | 'requester'
  | 'assignee'
  /** The assignee; without one, AGENTS_ADDRESS when set, else every active agent. */
  | 'agents'
  /** The account an account.* event is about. */
  | 'account'
  /** The new address of an email change. */
  | 'new-email'
  /** The address an email change replaced. */
  | 'old-email'
  /** The sender of an inbound mail we answer. */
  | 'mail-sender';

export interface EventFacts {
  payload: Record<string, unknown>;
  /** The author of the action is staff (agent or admin). */
  actorIsStaff: boolean;
}

export interface Rule {
  event: OutboxEvent;
  to: Audience;
  template: TemplateName;
  when?: (f: EventFacts) => boolean;
  /** Sent even to the person who acted (a receipt, or a mail they asked for). */
  toActor?: true;
  /** Sent even to an address that bounced before (the person asked for it). */
  evenIfBounced?: true;
}

const isPrivate = (f: EventFacts) => f.payload.visibility === 'private';
const isPublic = (f: EventFacts) => !isPrivate(f);
const statusChanged = (f: EventFacts) => f.payload.fromStatus !== f.payload.toStatus;
const byCustomer = (f: EventFacts) => isPublic(f) && !f.actorIsStaff;
const byStaff = (f: EventFacts) => isPublic(f) && f.actorIsStaff;

/**
 * Every notification the product sends: event → who gets which template. Applied after this table, in
 * resolveRecipients: the actor is not mailed their own action (unless NOTIFY_SELF or `toActor`), private notes
 * never reach customers, bounced addresses are skipped (and recorded), and each address gets one mail per event.
 */
export const RULES: readonly Rule[] = [
  { event: 'ticket.created', to: 'requester', template: 'ticket-created', toActor: true },
  { event: 'ticket.created', to: 'agents', template: 'ticket-new' },
  { event: 'ticket.followup', to: 'requester', template: 'ticket-followup', when: isPublic },
  { event: 'ticket.followup', to: 'agents', template: 'ticket-followup', when: byCustomer },
  {
    event: 'ticket.followup',
    to: 'assignee',
    template: 'ticket-followup',
    when: (f) => isPrivate(f) || byStaff(f),
  },
  { event: 'ticket.pending', to: 'requester', template: 'ticket-pending' },
  { event: 'ticket.assigned', to: 'assignee', template: 'ticket-assigned' },
  { event: 'ticket.assigned', to: 'requester', template: 'ticket-status', when: statusChanged },
  { event: 'ticket.updated', to: 'requester', template: 'ticket-status', when: statusChanged },
  { event: 'ticket.resolved', to: 'requester', template: 'ticket-resolved' },
  { event: 'ticket.approved', to: 'agents', template: 'ticket-approved' },
  { event: 'ticket.approved', to: 'requester', template: 'ticket-approved' },
  { event: 'ticket.refused', to: 'agents', template: 'ticket-refused' },
  { event: 'ticket.refused', to: 'requester', template: 'ticket-refused' },
  { event: 'ticket.closed', to: 'requester', template: 'ticket-closed' },
  { event: 'ticket.closed', to: 'assignee', template: 'ticket-closed' },
  { event: 'ticket.reopened', to: 'requester', template: 'ticket-reopened' },
  { event: 'ticket.reopened', to: 'assignee', template: 'ticket-reopened' },
  {
    event: 'account.invited',
    to: 'account',
    template: 'account-invited',
    toActor: true,
    evenIfBounced: true,
  },
  {
    event: 'account.password_reset',
    to: 'account',
    template: 'password-reset',
    toActor: true,
    evenIfBounced: true,
  },
  {
    event: 'account.email_change',
    to: 'new-email',
    template: 'email-change',
    toActor: true,
    evenIfBounced: true,
  },
  {
    event: 'account.email_changed',
    to: 'old-email',
    template: 'email-changed',
    toActor: true,
    evenIfBounced: true,
  },
  { event: 'mail.unknown_sender', to: 'mail-sender', template: 'mail-unknown-sender', toActor: true },
  { event: 'mail.attachment_too_big', to: 'mail-sender', template: 'mail-attachment-too-big', toActor: true },
  { event: 'mail.rejected', to: 'mail-sender', template: 'mail-rejected', toActor: true },
];

export interface Person {
  userId: number | null;
  email: string;
  name: string;
  language: string;
  /** customer, agent, admin; 'team' for the shared agents' address; 'external' for an unknown sender. */
  role: string;
  bouncedAt: Date | null;
}

export interface Recipient extends Person {
  template: TemplateName;
  /** Set when the address bounced before: the mail is not sent, the skip is recorded. */
  skip?: 'bounced';
}

export interface Audiences {
  facts: EventFacts;
  actorId: number | null;
  notifySelf: boolean;
  resolve(to: Audience): Person[];
}

/** The audiences the rules of an event address, so only those are looked up. */
export const audiencesOf = (event: OutboxEvent, facts: EventFacts): Set<Audience> =>
  new Set(RULES.filter((r) => r.event === event && (!r.when || r.when(facts))).map((r) => r.to));

const isCustomerSide = (p: Person) => p.role === 'customer' || p.role === 'external';

/** Applies RULES to one event: the list of mails to send, in rule order, one per address. */
export function resolveRecipients(event: OutboxEvent, a: Audiences): Recipient[] {
  const out: Recipient[] = [];
  const seen = new Set<string>();
  for (const rule of RULES) {
    if (rule.event !== event || (rule.when && !rule.when(a.facts))) continue;
    for (const p of a.resolve(rule.to)) {
      const key = p.email.toLowerCase();
      if (seen.has(key)) continue;
      if (p.userId !== null && p.userId === a.actorId && !rule.toActor && !a.notifySelf) continue;
      if (isPrivate(a.facts) && isCustomerSide(p)) continue;
      if (a.facts.payload.alreadySent === true && rule.to === 'requester' && isCustomerSide(p)) continue;
      seen.add(key);
      const bounced = p.bouncedAt !== null && !rule.evenIfBounced;
      out.push({ ...p, template: rule.template, ...(bounced ? { skip: 'bounced' as const } : {}) });
    }
  }
  return out;
}
