import { describe, expect, it } from 'vitest';
import {
  type RoutingFacts,
  type RoutingRule,
  roundRobin,
  route,
  routingActionsSchema,
  routingConditionsSchema,
  ruleMatches,
} from '../../src/domain/routing.js';

const facts = (over: Partial<RoutingFacts> = {}): RoutingFacts => ({
  type: 'request',
  category: 'administrative.billing',
  urgency: null,
  serviceId: 7,
  companyId: 3,
  receivedAt: null,
  ...over,
});

const rule = (id: number, r: Partial<RoutingRule>): RoutingRule => ({
  id,
  name: `rule ${id}`,
  conditions: {},
  actions: { teamId: 1 },
  ...r,
});

const INCIDENT_URGENCIES = ['high', 'medium'];

describe('a rule matches a new ticket', () => {
  // [conditions, facts, expected]
  const table: [string, RoutingRule['conditions'], Partial<RoutingFacts>, boolean][] = [
    ['no condition matches anything', {}, {}, true],
    ['the type listed', { types: ['request'] }, {}, true],
    ['another type', { types: ['incident'] }, {}, false],
    ['one of several types', { types: ['incident', 'request'] }, {}, true],
    ['the exact category', { categories: ['administrative.billing'] }, {}, true],
    ['the category group', { categories: ['administrative'] }, {}, true],
    ['a prefix that is not a group', { categories: ['admin'] }, {}, false],
    ['a sibling category', { categories: ['administrative.information'] }, {}, false],
    ['urgency asked but the ticket has none', { urgencies: ['high'] }, {}, false],
    ['urgency listed', { urgencies: ['high'] }, { type: 'incident', urgency: 'high' }, true],
    ['urgency not listed', { urgencies: ['high'] }, { urgency: 'medium' }, false],
    ['the service', { serviceIds: [7, 8] }, {}, true],
    ['another service', { serviceIds: [8] }, {}, false],
    ['no service on the ticket', { serviceIds: [7] }, { serviceId: null }, false],
    ['the company', { companyIds: [3] }, {}, true],
    ['another company', { companyIds: [4] }, {}, false],
    [
      'the address it came to',
      { receivedAt: ['facturacion@izarlink.es'] },
      { receivedAt: 'facturacion@izarlink.es' },
      true,
    ],
    [
      'the address in other case',
      { receivedAt: ['facturacion@izarlink.es'] },
      { receivedAt: 'Facturacion@IzarLink.es' },
      true,
    ],
    [
      'another address',
      { receivedAt: ['facturacion@izarlink.es'] },
      { receivedAt: 'soporte@izarlink.es' },
      false,
    ],
    ['an address asked of a web ticket', { receivedAt: ['soporte@izarlink.es'] }, {}, false],
    [
      'every condition met',
      { types: ['request'], categories: ['administrative'], companyIds: [3] },
      {},
      true,
    ],
    [
      'all but one condition met',
      { types: ['request'], categories: ['administrative'], companyIds: [4] },
      {},
      false,
    ],
  ];
  for (const [name, conditions, over, expected] of table)
    it(name, () => expect(ruleMatches(conditions, facts(over))).toBe(expected));
});

describe('routing takes the first active rule that matches', () => {
  it('first match wins, and later rules are not applied on top', () => {
    const rules = [
      rule(1, { conditions: { types: ['incident'] }, actions: { teamId: 10 } }),
      rule(2, { conditions: { categories: ['administrative'] }, actions: { teamId: 20 } }),
      rule(3, { conditions: {}, actions: { teamId: 30, urgency: 'high' } }),
    ];
    expect(route(rules, facts(), [])).toEqual({
      rule: { id: 2, name: 'rule 2' },
      teamId: 20,
      assign: null,
      urgency: null,
    });
    expect(route(rules, facts({ type: 'incident', category: 'slowness' }), INCIDENT_URGENCIES)?.teamId).toBe(
      10,
    );
    expect(route(rules, facts({ category: 'technical' }), [])?.rule.id).toBe(3);
  });

  it('no rule matching leaves the ticket as it came', () => {
    expect(route([rule(1, { conditions: { types: ['incident'] } })], facts(), [])).toBeNull();
    expect(route([], facts(), [])).toBeNull();
  });

  it('sets an urgency only where the type asks one', () => {
    const rules = [rule(1, { actions: { urgency: 'high' } })];
    expect(route(rules, facts({ type: 'incident' }), INCIDENT_URGENCIES)?.urgency).toBe('high');
    expect(route(rules, facts(), [])?.urgency).toBeNull();
  });

  it('passes the assignment on for the caller to resolve', () => {
    const rr = [rule(1, { actions: { teamId: 5, assign: { kind: 'round_robin' } } })];
    expect(route(rr, facts(), [])?.assign).toEqual({ kind: 'round_robin' });
    const one = [rule(1, { actions: { assign: { kind: 'agent', agentId: 9 } } })];
    expect(route(one, facts(), [])).toMatchObject({ teamId: null, assign: { kind: 'agent', agentId: 9 } });
  });
});

describe('round-robin', () => {
  const members = [
    { userId: 12, lastRouted: null },
    { userId: 11, lastRouted: null },
  ];

  it('gives three tickets to A, B, A (never routed first, then by id)', () => {
    expect(roundRobin(members, 3)).toEqual([11, 12, 11]);
  });

  it('starts with whoever was routed to least recently', () => {
    expect(
      roundRobin(
        [
          { userId: 11, lastRouted: 40 },
          { userId: 12, lastRouted: 39 },
          { userId: 13, lastRouted: 41 },
        ],
        4,
      ),
    ).toEqual([12, 11, 13, 12]);
  });

  it('puts a newcomer first in line', () => {
    expect(
      roundRobin(
        [
          { userId: 11, lastRouted: 40 },
          { userId: 20, lastRouted: null },
        ],
        2,
      ),
    ).toEqual([20, 11]);
  });

  it('picks nobody in a team with no available agent', () => {
    expect(roundRobin([], 2)).toEqual([]);
  });
});

describe('rules as data are checked', () => {
  it('refuses unknown condition fields and malformed addresses', () => {
    expect(routingConditionsSchema.safeParse({ colour: ['red'] }).success).toBe(false);
    expect(routingConditionsSchema.safeParse({ receivedAt: ['not an address'] }).success).toBe(false);
    expect(routingConditionsSchema.parse({ receivedAt: [' Soporte@IzarLink.es '] })).toEqual({
      receivedAt: ['soporte@izarlink.es'],
    });
  });

  it('needs an action, and a team for a round-robin', () => {
    expect(routingActionsSchema.safeParse({}).success).toBe(false);
    expect(routingActionsSchema.safeParse({ assign: { kind: 'round_robin' } }).success).toBe(false);
    expect(routingActionsSchema.safeParse({ teamId: 1, assign: { kind: 'round_robin' } }).success).toBe(true);
    expect(routingActionsSchema.safeParse({ urgency: 'high' }).success).toBe(true);
  });
});
