import { AppError } from './errors.js';

/** ITIL life cycle: new → in progress (assigned) ⇄ pending (waiting for the customer) → resolved → closed. */
export const TICKET_STATUSES = ['new', 'in_progress', 'pending', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const OPEN_STATUSES: readonly TicketStatus[] = ['new', 'in_progress', 'pending', 'resolved'];

export const ROLES = ['customer', 'agent', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who acts: a signed-in user, or the system (scheduled jobs, mail robots). */
export type Actor =
  | { kind: 'user'; id: number; role: Role; companyId: number | null; isCompanyManager: boolean }
  | { kind: 'system' };

export const TICKET_ACTIONS = [
  'assign',
  'set_pending',
  'customer_reply',
  'resolve',
  'approve_solution',
  'refuse_solution',
  'close',
  'reopen',
] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

type Party = 'staff' | 'customer' | 'system';

interface Transition {
  from: readonly TicketStatus[];
  to: TicketStatus | ((ctx: { hasAssignee: boolean }) => TicketStatus);
  by: readonly Party[];
}

const backToWork = ({ hasAssignee }: { hasAssignee: boolean }): TicketStatus =>
  hasAssignee ? 'in_progress' : 'new';

/** The whole state machine as data: the one place that says which action moves a ticket where, and who may. */
export const TRANSITIONS: Record<TicketAction, Transition> = {
  assign: { from: ['new', 'in_progress', 'pending'], to: 'in_progress', by: ['staff'] },
  set_pending: { from: ['new', 'in_progress'], to: 'pending', by: ['staff'] },
  customer_reply: { from: ['pending'], to: backToWork, by: ['customer', 'staff', 'system'] },
  resolve: { from: ['new', 'in_progress', 'pending'], to: 'resolved', by: ['staff'] },
  approve_solution: { from: ['resolved'], to: 'closed', by: ['customer', 'staff'] },
  refuse_solution: { from: ['resolved'], to: backToWork, by: ['customer', 'staff'] },
  close: { from: ['new', 'in_progress', 'pending', 'resolved'], to: 'closed', by: ['staff', 'system'] },
  reopen: { from: ['resolved', 'closed'], to: backToWork, by: ['staff'] },
};

export const partyOf = (actor: Actor): Party =>
  actor.kind === 'system' ? 'system' : actor.role === 'customer' ? 'customer' : 'staff';

export const isStaff = (actor: Actor): boolean =>
  actor.kind === 'user' && (actor.role === 'agent' || actor.role === 'admin');

/** The status an action leads to, or an AppError saying why it may not happen. */
export function nextStatus(
  action: TicketAction,
  from: TicketStatus,
  actor: Actor,
  ctx: { hasAssignee: boolean },
): TicketStatus {
  const t = TRANSITIONS[action];
  if (!t.by.includes(partyOf(actor))) {
    throw new AppError('forbidden', 'errors.transitionForbidden', { params: { action } });
  }
  if (!t.from.includes(from)) {
    throw new AppError('conflict', 'errors.transitionInvalid', { params: { action, status: from } });
  }
  return typeof t.to === 'function' ? t.to(ctx) : t.to;
}

export const canTransition = (
  action: TicketAction,
  from: TicketStatus,
  actor: Actor,
  ctx: { hasAssignee: boolean } = { hasAssignee: false },
): boolean => {
  try {
    nextStatus(action, from, actor, ctx);
    return true;
  } catch {
    return false;
  }
};

/** Follow-ups may be added until the ticket is closed. */
export const acceptsFollowups = (status: TicketStatus): boolean => status !== 'closed';
