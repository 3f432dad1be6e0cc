import { beforeAll, describe, expect, it } from 'vitest';
import { updateTicketClassification } from '../../src/app/agent/update-ticket.js';
import { agentQueue, statusCounts } from '../../src/app/queries/agent-queue.js';
import { agentTicket } from '../../src/app/queries/agent-ticket.js';
import { addFollowup } from '../../src/app/tickets/add-followup.js';
import { assign, resolve, setPending } from '../../src/app/tickets/lifecycle.js';
import { openTicket } from '../../src/app/tickets/open-ticket.js';
import { formatReference } from '../../src/domain/reference.js';
import { must, type TestDb, useTestDb } from '../helpers/db.js';
import { makeUser, type TestUser } from '../helpers/fixtures.js';

let t: TestDb;
let agent: TestUser;
let other: TestUser;
let c1: TestUser;
let c2: TestUser;
const ids: Record<string, number> = {};

const open = async (c: TestUser, title: string, description: string, urgency: 'high' | 'medium' = 'medium') =>
  (
    await openTicket(t.app, c.actor, {
      draft: {
        type: 'incident',
        category: 'slowness',
        urgency,
        serviceId: c.serviceIds[0] ?? null,
        title,
        description,
      },
    })
  ).ticketId;

beforeAll(async () => {
  t = await useTestDb();
  agent = await makeUser(t.app, 'agent');
  other = await makeUser(t.app, 'agent');
  c1 = await makeUser(t.app, 'customer');
  c2 = await makeUser(t.app, 'customer');
  await t.db('users').where({ id: c2.id }).update({ name: 'Émilie Durand' });
  ids.es = await open(c1, 'Sin conexión en la oficina', 'La conexión de fibra se cae cada hora.', 'high');
  ids.plain = await open(c1, 'Conexion lenta', 'Velocidad muy baja por la tarde.');
  ids.fr = await open(c2, 'Débit très faible', 'Le débit est très faible depuis lundi.');
  ids.en = await open(c2, 'Packet loss on the backup link', 'We see packet loss every evening.');
  await addFollowup(t.app, agent.actor, {
    ticketId: ids.en,
    body: 'Revisado el router: averiado, cambiar módem.',
  });
  await addFollowup(t.app, agent.actor, {
    ticketId: ids.fr,
    body: 'Nota interna: cliente moroso',
    visibility: 'private',
  });
  await assign(t.app, agent.actor, ids.plain);
  await setPending(t.app, agent.actor, ids.fr, { body: '¿Desde cuándo?' });
  await resolve(t.app, other.actor, ids.en, { body: 'Cambiado el módem.' });
});

const found = async (q: string) =>
  (await agentQueue(t.db, { q, status: 'all' }, { limit: 50, ticketPrefix: 'IZL' })).rows
    .map((r) => r.id)
    .sort();

describe('agent queue search', () => {
  it('matches with and without accents, both ways', async () => {
    expect(await found('conexión')).toEqual([ids.es, ids.plain].sort());
    expect(await found('conexion')).toEqual([ids.es, ids.plain].sort());
    expect(await found('DEBIT')).toEqual([ids.fr]);
    expect(await found('débit faible')).toEqual([ids.fr]);
  });

  it('searches follow-up bodies, customer names and references', async () => {
    expect(await found('modem')).toEqual([ids.en]);
    expect(await found('emilie')).toEqual([ids.fr, ids.en].sort());
    expect(await found(formatReference('IZL', ids.plain))).toEqual([ids.plain]);
    expect(await found('packet loss')).toEqual([ids.en]);
    expect(await found('moroso')).toEqual([ids.fr]);
    expect(await found('nothingmatchesthis')).toEqual([]);
  });

  it('follows renamed customers and companies', async () => {
    await t.db('users').where({ id: c1.id }).update({ name: 'Íñigo Zubizarreta' });
    await t
      .db('companies')
      .where({ id: c2.companyId as number })
      .update({ name: 'Bodegas Txakolí' });
    expect(await found('inigo')).toEqual([ids.es, ids.plain].sort());
    expect(await found('txakoli')).toEqual([ids.fr, ids.en].sort());
  });
});

describe('agent queue filters and order', () => {
  it('defaults to open tickets by priority then age', async () => {
    const { rows } = await agentQueue(t.db, {}, { limit: 10, ticketPrefix: 'IZL' });
    expect(rows.map((r) => r.id)).toEqual([ids.es, ids.plain, ids.fr, ids.en]);
    expect(rows[0]?.requester_name).toBeTruthy();
  });

  it('filters by status, waiting, unassigned, assignee, customer and urgency', async () => {
    const q = async (f: Parameters<typeof agentQueue>[1]) =>
      (await agentQueue(t.db, f, { limit: 10, ticketPrefix: 'IZL' })).rows.map((r) => r.id);
    expect(await q({ waiting: true })).toEqual([ids.fr]);
    expect(await q({ status: 'resolved' })).toEqual([ids.en]);
    expect(await q({ unassigned: true })).toEqual([ids.es, ids.fr]);
    // ids.en is the agent's too: their public answer was the first of support on that new ticket.
    expect(await q({ assigneeId: agent.id })).toEqual([ids.plain, ids.en]);
    expect(await q({ companyId: c2.companyId as number })).toEqual([ids.fr, ids.en]);
    expect(await q({ urgency: 'high' })).toEqual([ids.es]);
    expect(await q({ serviceId: c1.serviceIds[0] as number })).toEqual([ids.es, ids.plain]);
    expect(await q({ type: 'request' })).toEqual([]);
    expect(await q({ category: 'slowness', status: 'all' })).toHaveLength(4);
  });

  it('pages with a keyset cursor without gaps or repeats', async () => {
    const seen: number[] = [];
    let after: string | undefined;
    for (let i = 0; i < 10; i++) {
      const p = await agentQueue(t.db, { status: 'all' }, { limit: 1, after, ticketPrefix: 'IZL' });
      seen.push(...p.rows.map((r) => r.id));
      if (!p.next) break;
      after = p.next;
    }
    expect(seen).toEqual([ids.es, ids.plain, ids.fr, ids.en]);
  });

  it('counts tickets per status', async () => {
    const counts = Object.fromEntries((await statusCounts(t.db)).map((c) => [c.status, c.count]));
    expect(counts).toEqual({ new: 1, in_progress: 1, pending: 1, resolved: 1, closed: 0 });
  });
});

describe('agent ticket page data', () => {
  it('shows private notes and the history to agents', async () => {
    const v = await agentTicket(t.db, ids.fr);
    const notes = v.timeline.filter((e) => e.kind === 'followup' && e.visibility === 'private');
    expect(notes).toHaveLength(1);
    expect(v.requester.name).toBe('Émilie Durand');
    expect(v.services.length).toBe(1);
    expect(v.timeline.some((e) => e.kind === 'event' && e.event === 'status_changed')).toBe(true);
  });

  it('re-classifies a ticket with history, outbox and a new priority', async () => {
    const out = await updateTicketClassification(t.app, agent.actor, ids.plain, {
      type: 'incident',
      category: 'packet_loss',
      urgency: 'high',
      serviceId: c1.serviceIds[0] as number,
    });
    expect(out.changed.sort()).toEqual(['category', 'urgency']);
    const row = must(await t.db('tickets').where({ id: ids.plain }).first());
    expect(row.priority).toBe(2);
    const ev = must(await t.db('outbox').where({ ticket_id: ids.plain, event: 'ticket.updated' }).first());
    expect((ev.payload.changes as Record<string, unknown>).category).toEqual(['slowness', 'packet_loss']);
    expect(await t.db('ticket_events').where({ ticket_id: ids.plain, kind: 'updated' })).toHaveLength(1);
    await expect(
      updateTicketClassification(t.app, agent.actor, ids.plain, {
        type: 'request',
        category: 'slowness',
        urgency: null,
        serviceId: c2.serviceIds[0] as number,
      }),
    ).rejects.toMatchObject({
      code: 'invalid',
      fields: { category: 'validation.categoryInvalid', serviceId: 'validation.serviceInvalid' },
    });
    await expect(
      updateTicketClassification(t.app, c1.actor, ids.plain, {
        type: 'incident',
        category: 'slowness',
        urgency: 'high',
        serviceId: null,
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });
});
