import { describe, expect, it } from 'vitest';
import { createRoutingRule } from '../../src/app/agent/routing-rules.js';
import { createTeam, setTeamMember } from '../../src/app/agent/teams.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeUser } from '../helpers/fixtures.js';
import { buildMail } from '../helpers/imap.js';
import { MX, startMailWorld } from '../helpers/mail-world.js';
import { toAddress } from '../helpers/smtp.js';

// Issue 15: routing rules apply to tickets opened by mail as to those of the web.
const t = await useTestDb();
const w = await startMailWorld(t, { MAIL_TRUSTED_AUTHSERV_ID: MX });
const PASS = {
  'Authentication-Results': `${MX}; dkim=pass header.d=example.test; dmarc=pass header.from=example.test`,
};

describe('routing of mailed tickets', { timeout: 60_000 }, () => {
  it('a rule by category gives three mailed outages to A, B, A; each agent gets the ticket-assigned mail', async () => {
    const admin = await makeUser(t.app, 'admin');
    const [a, b] = [await makeUser(t.app, 'agent'), await makeUser(t.app, 'agent')].sort(
      (x, y) => x.id - y.id,
    );
    if (!a || !b) throw new Error('two agents');
    const bystander = await makeUser(t.app, 'agent');
    const team = await createTeam(t.app, admin.actor, { name: 'Técnico' });
    for (const u of [a, b]) await setTeamMember(t.app, admin.actor, team, { userId: u.id, isLead: false });
    await createRoutingRule(t.app, admin.actor, {
      name: 'Cortes al Técnico',
      active: true,
      types: [],
      categories: ['total_outage'],
      urgencies: [],
      companies: [],
      services: [],
      receivedAt: [],
      teamId: team,
      assign: 'round_robin',
      agentId: null,
      setUrgency: null,
    });
    const customer = await makeUser(t.app, 'customer');
    await w.sent();

    const ids: number[] = [];
    for (const n of [1, 2, 3]) {
      const messageId = `routing-${n}@example.test`;
      // One at a time: the order of arrival is the order of the turns.
      await w.deliver([
        buildMail({
          from: customer.email,
          subject: `Sin internet en la oficina (${n})`,
          text: 'Desde esta mañana no tenemos internet.',
          messageId: `<${messageId}>`,
          headers: PASS,
        }),
      ]);
      const rec = await w.record(messageId);
      expect(rec.outcome).toBe('new_ticket');
      ids.push(Number(rec.ticket_id));
    }
    const tickets = await t
      .db('tickets')
      .whereIn('id', ids)
      .orderBy('id')
      .select('category', 'assignee_id', 'team_id');
    expect(tickets.map((x) => x.category)).toEqual(['total_outage', 'total_outage', 'total_outage']);
    expect(tickets.map((x) => x.assignee_id)).toEqual([a.id, b.id, a.id]);
    expect(tickets.every((x) => x.team_id === team)).toBe(true);
    const created = must(await t.db('ticket_events').where({ ticket_id: ids[0], kind: 'created' }).first());
    expect(created.data).toMatchObject({
      source: 'email',
      routed: { ruleName: 'Cortes al Técnico', teamName: 'Técnico', assigneeName: expect.any(String) },
    });

    const mails = await w.sent();
    const to = (email: string) => mails.filter((m) => toAddress(m) === email);
    expect(to(a.email)).toHaveLength(2);
    expect(to(b.email)).toHaveLength(1);
    // The assigned agent's mail only: no "new ticket" mail to anyone else of support.
    expect(to(bystander.email)).toHaveLength(0);
    expect(to(admin.email)).toHaveLength(0);
    const deliveries = await t
      .db('deliveries')
      .whereIn('ticket_id', ids)
      .whereIn('user_id', [a.id, b.id])
      .select('event');
    expect(deliveries.map((d) => d.event)).toEqual(['ticket.assigned', 'ticket.assigned', 'ticket.assigned']);
    // The customer: one acknowledgement per ticket, no status mail besides.
    expect(to(customer.email)).toHaveLength(3);

    // A rule that sets only a team: the new-ticket mail goes to that team's members, not to every agent.
    const billing = await createTeam(t.app, admin.actor, { name: 'Facturación' });
    const clerk = await makeUser(t.app, 'agent');
    await setTeamMember(t.app, admin.actor, billing, { userId: clerk.id, isLead: true });
    await createRoutingRule(t.app, admin.actor, {
      name: 'El resto a Facturación',
      active: true,
      types: [],
      categories: [],
      urgencies: [],
      companies: [],
      services: [],
      receivedAt: [],
      teamId: billing,
      assign: 'none',
      agentId: null,
      setUrgency: null,
    });
    await w.deliver([
      buildMail({
        from: customer.email,
        subject: 'Una consulta',
        text: 'Hola, quería preguntarles algo.',
        messageId: '<routing-team@example.test>',
        headers: PASS,
      }),
    ]);
    const rec = await w.record('routing-team@example.test');
    expect(
      must(
        await t
          .db('tickets')
          .where({ id: Number(rec.ticket_id) })
          .first(),
      ),
    ).toMatchObject({
      team_id: billing,
      assignee_id: null,
      status: 'new',
    });
    const more = await w.sent();
    expect(more.map(toAddress).sort()).toEqual([clerk.email, customer.email].sort());
  });
});
