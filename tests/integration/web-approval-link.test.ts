import { describe, expect, it } from 'vitest';
import { approvalToken } from '../../src/app/links.js';
import { resolve } from '../../src/app/tickets/lifecycle.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

const t = await useTestDb();
const s = await useTestServices(t);
const base = await startTestWeb(s);

/** The link the resolution mail carries (signed at send time, for the ticket's current resolution). */
async function mailedLink(ticketId: number, userId: number): Promise<string> {
  const { resolved_at } = must(await t.db('tickets').where({ id: ticketId }).first('resolved_at'));
  return `/approve/${approvalToken(s.config.SECRET, ticketId, userId, resolved_at!)}`;
}

describe('approval link', () => {
  it('after a refusal and a new solution, the first link approves nothing', async () => {
    const customer = await makeUser(t.app, 'customer');
    const agent = await makeUser(t.app, 'agent');
    const id = await makeTicket(t.app, customer, 'Cortes intermitentes');
    await resolve(t.app, agent.actor, id, { body: 'Reiniciado el puerto.' });
    const first = await mailedLink(id, customer.id);
    const c = new WebClient(base);
    await c.get(first);
    const refused = await c.post(first, { decision: 'refuse', comment: 'Sigue cortándose.' });
    expect(refused.status).toBe(200);
    expect(must(await t.db('tickets').where({ id }).first()).status).not.toBe('resolved');

    await resolve(t.app, agent.actor, id, { body: 'Cambiada la ONT.' });
    const page = await c.get(first);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Este enlace era para una solución anterior.');
    expect(page.text).not.toContain('value="approve"');
    const attempt = await c.post(first, { decision: 'approve', comment: '' });
    expect(attempt.status).toBe(409);
    expect(must(await t.db('tickets').where({ id }).first()).status).toBe('resolved');
    expect(await t.db('outbox').where({ ticket_id: id, event: 'ticket.approved' })).toHaveLength(0);

    // The link mailed with the new solution answers it.
    const second = await mailedLink(id, customer.id);
    await c.get(second);
    expect((await c.post(second, { decision: 'approve', comment: '' })).status).toBe(200);
    expect(must(await t.db('tickets').where({ id }).first()).status).toBe('closed');
    expect(await t.db('outbox').where({ ticket_id: id, event: 'ticket.approved' })).toHaveLength(1);
  });
});
