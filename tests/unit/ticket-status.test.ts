import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import {
  type Actor,
  acceptsFollowups,
  canTransition,
  nextStatus,
  TICKET_ACTIONS,
  TICKET_STATUSES,
  type TicketAction,
  type TicketStatus,
} from '../../src/domain/ticket-status.js';

/**
 * The life cycle as the product describes it, written out by hand (not derived from TRANSITIONS).
 * One row per action and party; one column per current status.
 *   a status  = the action is allowed and leads there
 *   work      = allowed, back to work: in_progress with an assignee, new without
 *   F         = refused: this party may never do this action (forbidden)
 *   C         = refused: not from this status (conflict)
 */
const EXPECTED = `
action            party     new          in_progress  pending      resolved     closed
assign            staff     in_progress  in_progress  in_progress  C            C
assign            customer  F            F            F            F            F
assign            system    F            F            F            F            F
set_pending       staff     pending      pending      C            C            C
set_pending       customer  F            F            F            F            F
set_pending       system    F            F            F            F            F
customer_reply    staff     C            C            work         C            C
customer_reply    customer  C            C            work         C            C
customer_reply    system    C            C            work         C            C
resolve           staff     resolved     resolved     resolved     C            C
resolve           customer  F            F            F            F            F
resolve           system    F            F            F            F            F
approve_solution  staff     C            C            C            closed       C
approve_solution  customer  C            C            C            closed       C
approve_solution  system    F            F            F            F            F
refuse_solution   staff     C            C            C            work         C
refuse_solution   customer  C            C            C            work         C
refuse_solution   system    F            F            F            F            F
close             staff     closed       closed       closed       closed       C
close             customer  F            F            F            F            F
close             system    closed       closed       closed       closed       C
reopen            staff     C            C            C            work         work
reopen            customer  F            F            F            F            F
reopen            system    F            F            F            F            F
`;

type Party = 'staff' | 'customer' | 'system';
const table = new Map<string, string>();
{
  const [header, ...rows] = EXPECTED.trim().split('\n');
  const statuses = (header as string).split(/\s+/).slice(2);
  for (const row of rows) {
    const [action, party, ...cells] = row.split(/\s+/);
    cells.forEach((cell, i) => {
      table.set(`${action}|${party}|${statuses[i]}`, cell);
    });
  }
}

const ACTORS: Record<string, { party: Party; actor: Actor }> = {
  agent: {
    party: 'staff',
    actor: { kind: 'user', id: 1, role: 'agent', companyId: null, isCompanyManager: false },
  },
  admin: {
    party: 'staff',
    actor: { kind: 'user', id: 2, role: 'admin', companyId: null, isCompanyManager: false },
  },
  customer: {
    party: 'customer',
    actor: { kind: 'user', id: 3, role: 'customer', companyId: 7, isCompanyManager: false },
  },
  manager: {
    party: 'customer',
    actor: { kind: 'user', id: 4, role: 'customer', companyId: 7, isCompanyManager: true },
  },
  system: { party: 'system', actor: { kind: 'system' } },
};

function attempt(action: TicketAction, from: TicketStatus, actor: Actor, hasAssignee: boolean): string {
  try {
    return nextStatus(action, from, actor, { hasAssignee });
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    if (e.code === 'forbidden') {
      expect(e.messageKey).toBe('errors.transitionForbidden');
      return 'F';
    }
    expect(e.code).toBe('conflict');
    expect(e.messageKey).toBe('errors.transitionInvalid');
    expect(e.params).toEqual({ action, status: from });
    return 'C';
  }
}

describe('ticket state machine', () => {
  it('the expected table covers the whole cross product of actions, parties and statuses', () => {
    expect(table.size).toBe(TICKET_ACTIONS.length * 3 * TICKET_STATUSES.length);
    for (const action of TICKET_ACTIONS)
      for (const party of ['staff', 'customer', 'system'])
        for (const status of TICKET_STATUSES) expect(table.has(`${action}|${party}|${status}`)).toBe(true);
  });

  const cases: [string, TicketAction, TicketStatus, boolean][] = [];
  for (const name of Object.keys(ACTORS))
    for (const action of TICKET_ACTIONS)
      for (const status of TICKET_STATUSES)
        for (const hasAssignee of [false, true]) cases.push([name, action, status, hasAssignee]);

  it.each(cases)('%s: %s from %s (assignee: %s)', (name, action, status, hasAssignee) => {
    const { party, actor } = ACTORS[name] as { party: Party; actor: Actor };
    const cell = table.get(`${action}|${party}|${status}`) as string;
    const want = cell === 'work' ? (hasAssignee ? 'in_progress' : 'new') : cell;
    expect(attempt(action, status, actor, hasAssignee)).toBe(want);
    expect(canTransition(action, status, actor, { hasAssignee })).toBe(want !== 'F' && want !== 'C');
  });

  it('counts: 25 allowed, 55 forbidden to the party, 40 not from that status; each action both ways', () => {
    const cells = [...table.values()];
    expect(cells.filter((c) => c !== 'F' && c !== 'C').length).toBe(25);
    expect(cells.filter((c) => c === 'F').length).toBe(55);
    expect(cells.filter((c) => c === 'C').length).toBe(40);
    for (const action of TICKET_ACTIONS) {
      const mine = [...table].filter(([k]) => k.startsWith(`${action}|`)).map(([, v]) => v);
      expect(mine.some((c) => c !== 'F' && c !== 'C')).toBe(true);
      expect(mine.some((c) => c === 'F' || c === 'C')).toBe(true);
    }
  });

  it('a closed ticket takes no follow-ups; every other status does', () => {
    for (const s of TICKET_STATUSES) expect(acceptsFollowups(s)).toBe(s !== 'closed');
  });
});
