import { bounceHolds } from '../app/accounts/bounces.js';
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
  | 'mail-sender'
  /** Who works an SLA clock: the assignee; without one, the ticket's team; without a team, as 'agents'. */
  | 'sla-watchers'
  /** The leads of the ticket's team; without any, the admins. */
  | 'team-leads'
  /** Every active admin. */
  | 'admins';

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
  /** Sent even to the person who acted, whatever their preference (a receipt, or a mail they asked for). */
  toActor?: true;
  /** Sent even to an address that bounced before (the person asked for it). */
  evenIfBounced?: true;
}

const isPrivate = (f: EventFacts) => f.payload.visibility === 'private';
const isPublic = (f: EventFacts) => !isPrivate(f);
const statusChanged = (f: EventFacts) => f.payload.fromStatus !== f.payload.toStatus;
/** Written by a customer (not by support from the shared mailbox's Sent folder, recorded as the system). */
const byCustomer = (f: EventFacts) => isPublic(f) && !f.actorIsStaff && f.payload.alreadySent !== true;
const byStaff = (f: EventFacts) => isPublic(f) && f.actorIsStaff;
const byMail = (f: EventFacts) => f.payload.source === 'email';
/** The agents' mail about a burst of customer follow-ups (app/agent-followup-mail.ts). */
const isAgentsDigest = (f: EventFacts) => Array.isArray(f.payload.followupIds);
/** A customer follow-up whose agents' mail is that digest. */
const agentsLater = (f: EventFacts) => f.payload.agentsLater === true;
/** A new ticket linked to a known public outage: the acknowledgement names it. */
const namesOutage = (f: EventFacts) => typeof f.payload.outage === 'object' && f.payload.outage !== null;
/** A new ticket linked to a major incident: the agents follow the incident, not one mail per ticket. */
const ofIncident = (f: EventFacts) => typeof f.payload.majorIncidentId === 'number';
/** A customer's mail reply to a resolved ticket: a comment, answered with the approve / refuse buttons. */
const awaitsDecision = (f: EventFacts) =>
  byCustomer(f) && byMail(f) && f.payload.toStatus === 'resolved' && !isAgentsDigest(f);

/**
 * Every notification the product sends: event → who gets which template. Applied after this table, in
 * resolveRecipients: the actor gets a copy of their own action only when their preference says so (customers by
 * default, staff not) or the rule is `toActor`, and never of a mail they sent themselves (it would look like a
 * loop); private notes never reach customers, bounced addresses are skipped (and recorded), and each address
 * gets one mail per event. The requester always gets the confirmation of a closing or reopening.
 */
export const RULES: readonly Rule[] = [
  // When a reply to a closed ticket opened it, the acknowledgement says so and names the new reference.
  {
    event: 'ticket.created',
    to: 'requester',
    template: 'ticket-created-outage',
    when: namesOutage,
    toActor: true,
  },
  { event: 'ticket.created', to: 'requester', template: 'ticket-created', toActor: true },
  // A ticket a routing rule gave to an agent: that agent gets the ticket-assigned mail of the same opening.
  {
    event: 'ticket.created',
    to: 'agents',
    template: 'ticket-new',
    when: (f) => f.payload.routedTo == null && !ofIncident(f),
  },
  { event: 'ticket.outage_update', to: 'requester', template: 'ticket-outage-update' },
  // Linked by hand: the same acknowledgement as a ticket linked when it was opened.
  { event: 'ticket.outage_linked', to: 'requester', template: 'ticket-created-outage', when: namesOutage },
  // Before the plain follow-up rule: the requester gets this one mail instead.
  {
    event: 'ticket.followup',
    to: 'requester',
    template: 'ticket-awaiting-decision',
    when: awaitsDecision,
    toActor: true,
  },
  {
    event: 'ticket.followup',
    to: 'requester',
    template: 'ticket-followup',
    when: (f) => isPublic(f) && !isAgentsDigest(f),
  },
  {
    event: 'ticket.followup',
    to: 'agents',
    template: 'ticket-followup',
    when: (f) => byCustomer(f) && !agentsLater(f),
  },
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
  { event: 'ticket.approved', to: 'requester', template: 'ticket-approved', toActor: true },
  { event: 'ticket.refused', to: 'agents', template: 'ticket-refused' },
  { event: 'ticket.refused', to: 'requester', template: 'ticket-refused', toActor: true },
  { event: 'ticket.closed', to: 'requester', template: 'ticket-closed', toActor: true },
  { event: 'ticket.closed', to: 'assignee', template: 'ticket-closed' },
  { event: 'ticket.reopened', to: 'requester', template: 'ticket-reopened', toActor: true },
  // Later than the closing (SURVEY_DELAY_MINUTES); with no delay the survey is in the closing mail instead.
  { event: 'ticket.survey', to: 'requester', template: 'ticket-survey', toActor: true },
  { event: 'ticket.reopened', to: 'assignee', template: 'ticket-reopened' },
  // A duplicate merged into this ticket: its requester is told the one reference to use from now on.
  { event: 'ticket.merged', to: 'requester', template: 'ticket-merged' },
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
  { event: 'mail.agent_notice', to: 'mail-sender', template: 'mail-agent-notice', toActor: true },
  { event: 'quarantine.digest', to: 'agents', template: 'quarantine-digest' },
  { event: 'sla.warning', to: 'sla-watchers', template: 'sla-warning' },
  // The escalation: the leads, and whoever works the ticket, who should know it went up.
  { event: 'sla.breach', to: 'team-leads', template: 'sla-breach' },
  { event: 'sla.breach', to: 'sla-watchers', template: 'sla-breach' },
  { event: 'webhook.disabled', to: 'admins', template: 'webhook-disabled' },
];

export interface Person {
  userId: number | null;
  email: string;
  name: string;
  language: string;
  /** customer, agent, admin; 'team' for the shared agents' address; 'external' for an unknown sender. */
  role: string;
  bouncedAt: Date | null;
  /** Wants a copy of their own actions (Personalización). */
  notifySelf: boolean;
  /** IANA zone the person reads times in (users.time_zone); unset: the installation's. */
  timeZone?: string;
}

export interface Recipient extends Person {
  template: TemplateName;
  /** Set when the address bounced before: the mail is not sent, the skip is recorded. */
  skip?: 'bounced';
}

export interface Audiences {
  facts: EventFacts;
  actorId: number | null;
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
      const isActor = p.userId !== null && p.userId === a.actorId;
      if (isActor && !rule.toActor && (!p.notifySelf || byMail(a.facts))) continue;
      if (isPrivate(a.facts) && isCustomerSide(p)) continue;
      if (a.facts.payload.alreadySent === true && rule.to === 'requester' && isCustomerSide(p)) continue;
      seen.add(key);
      const bounced = bounceHolds(p.bouncedAt) && !rule.evenIfBounced;
      out.push({ ...p, template: rule.template, ...(bounced ? { skip: 'bounced' as const } : {}) });
    }
  }
  return out;
}
