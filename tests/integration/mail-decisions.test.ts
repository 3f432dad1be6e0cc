import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueQuarantineDigest } from '../../src/app/agent/quarantine-digest.js';
import { close } from '../../src/app/tickets/lifecycle.js';
import { formatReference } from '../../src/domain/reference.js';
import { signReplyToken } from '../../src/domain/tokens.js';
import { startIngest } from '../../src/ingest/index.js';
import { startJobs } from '../../src/jobs/scheduler.js';
import { startOutbound } from '../../src/outbound/index.js';
import type { RunningPart } from '../../src/runtime/part.js';
import type { Services } from '../../src/runtime/services.js';
import { must, type TestDb, useTestDb } from '../helpers/db.js';
import { type Dovecot, startDovecot } from '../helpers/dovecot.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { appendRaw, buildMail } from '../helpers/imap.js';
import { waitUntil } from '../helpers/poll.js';
import { useTestServices } from '../helpers/services.js';
import { type CapturingSmtp, mailCollector, startCapturingSmtp, toAddress } from '../helpers/smtp.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

const SUPPORT = 'support@izarlink.example';

const t: TestDb = await useTestDb();
let dovecot: Dovecot;
let smtp: CapturingSmtp;
let s: Services;
let ingest: RunningPart;
let outbound: RunningPart;
let mails: ReturnType<typeof mailCollector>;
let base: string;
let customer: TestUser;
let agent: TestUser;

const ref = (id: number) => formatReference('IZL', id);
const record = (messageId: string) =>
  waitUntil(`the record of ${messageId}`, () =>
    t.db('inbound_mails').where({ message_id: messageId }).whereNot({ outcome: 'processing' }).first(),
  );
const page = async (who: TestUser, path: string) => {
  const web = new WebClient(base);
  await web.login(who.email);
  const r = await web.get(path);
  expect(r.status, path).toBe(200);
  return r.text;
};

beforeAll(async () => {
  dovecot = await startDovecot();
  smtp = await startCapturingSmtp();
  s = await useTestServices(t, {
    ...dovecot.env,
    SMTP_URL: smtp.url,
    SUPPORT_ADDRESS: SUPPORT,
    SMTP_MAX_PER_SECOND: '500',
  });
  customer = await makeUser(s.app, 'customer');
  agent = await makeUser(s.app, 'agent');
  outbound = await startOutbound(s, { sweepMs: 300, retryBaseMs: 100 });
  ingest = await startIngest(s);
  base = await startTestWeb(s);
  mails = mailCollector(s.db, smtp);
  await waitUntil('the ingest to idle on INBOX', async () =>
    (await ingest.health?.())?.detail?.includes('INBOX: idle'),
  );
});

afterAll(async () => {
  await ingest?.stop();
  await outbound?.stop();
  await smtp?.close();
  await dovecot?.stop();
});

describe('category of mailed tickets (keyword rules of the catalog)', () => {
  it('files "no tengo internet" as an outage, says it was automatic, and mails the category', async () => {
    await appendRaw(dovecot, [
      buildMail({
        from: customer.email,
        to: SUPPORT,
        subject: 'Ayuda urgente',
        text: 'Hola, no tengo internet desde esta mañana en la oficina.',
        messageId: '<cat-1@cliente.example>',
      }),
    ]);
    const rec = await record('cat-1@cliente.example');
    expect(rec.outcome).toBe('new_ticket');
    expect(rec.reason).toContain('incident/total_outage by the keyword "no tengo internet" (es, body)');
    const ticket = await t.db('tickets').where({ id: rec.ticket_id! }).first();
    expect(ticket).toMatchObject({ type: 'incident', category: 'total_outage', urgency: 'high' });
    const created = must(
      await t.db('ticket_events').where({ ticket_id: rec.ticket_id!, kind: 'created' }).first(),
    );
    expect(created.data.autoClassified).toEqual({ keyword: 'no tengo internet', lang: 'es', in: 'body' });

    const sent = await mails();
    expect(sent.map(toAddress).sort()).toEqual([agent.email, customer.email].sort());
    for (const m of sent) expect(m.text).toContain('Incidencia · Corte total');

    expect(await page(agent, `/agent/tickets/${rec.ticket_id}`)).toContain(
      'tipo y categoría puestos automáticamente por la palabra «no tengo internet»',
    );
  });

  it('falls back to the catalog default and says so', async () => {
    await appendRaw(dovecot, [
      buildMail({
        from: customer.email,
        to: SUPPORT,
        subject: 'Consulta',
        text: 'Llamadme cuando podáis.',
        messageId: '<cat-2@cliente.example>',
      }),
    ]);
    const rec = await record('cat-2@cliente.example');
    expect(await t.db('tickets').where({ id: rec.ticket_id! }).first()).toMatchObject({
      type: 'incident',
      category: 'performance',
    });
    expect(rec.reason).toContain('no keyword matched, the catalog default');
    await mails();
    expect(await page(agent, `/agent/tickets/${rec.ticket_id}`)).toContain(
      'tipo y categoría por defecto del correo (ninguna palabra clave)',
    );
  });
});

describe('a reply to a closed ticket', () => {
  it('opens a new ticket without the old reference in its title, linked both ways, and tells the customer', async () => {
    const oldId = await makeTicket(s.app, customer, 'Fibra caída en la sede');
    await close(s.app, agent.actor, oldId);
    await mails();
    await appendRaw(dovecot, [
      buildMail({
        from: customer.email,
        to: SUPPORT,
        subject: `Re: [${ref(oldId)}] Fibra caída en la sede`,
        text: 'Ha vuelto a pasar esta mañana.',
        messageId: '<closed-reply@cliente.example>',
      }),
    ]);
    const rec = await record('closed-reply@cliente.example');
    expect(rec.outcome).toBe('new_ticket');
    expect(rec.reason).toMatch(/^ticket_closed:/);
    const newId = rec.ticket_id as number;
    expect(newId).not.toBe(oldId);
    const fresh = must(await t.db('tickets').where({ id: newId }).first());
    expect(fresh.title).toBe('Fibra caída en la sede');
    expect(await t.db('ticket_links').select('ticket_id', 'other_ticket_id', 'kind')).toEqual([
      { ticket_id: newId, other_ticket_id: oldId, kind: 'follows' },
    ]);

    const sent = await mails();
    const toCustomer = sent.filter((m) => toAddress(m) === customer.email);
    expect(toCustomer).toHaveLength(1);
    expect(toCustomer[0]?.subject).toBe(`[${ref(newId)}] Incidencia registrada: Fibra caída en la sede`);
    expect(toCustomer[0]?.text).toContain(
      `El ticket ${ref(oldId)} ya estaba cerrado, así que su respuesta ha abierto un ticket nuevo con la referencia ${ref(newId)}.`,
    );
    expect(sent.filter((m) => toAddress(m) === agent.email).map((m) => m.subject)).toEqual([
      `[${ref(newId)}] Nueva incidencia: Fibra caída en la sede`,
    ]);

    expect(await page(agent, `/agent/tickets/${newId}`)).toContain(
      `Continúa el ticket ${ref(oldId)}, que estaba cerrado`,
    );
    expect(await page(agent, `/agent/tickets/${oldId}`)).toContain(`Continúa en el ticket ${ref(newId)}`);
    const portalNew = await page(customer, `/tickets/${newId}`);
    expect(portalNew).toContain(`Continúa el ticket ${ref(oldId)}, que estaba cerrado`);
    expect(portalNew).toContain(`href="/tickets/${oldId}"`);
    expect(await page(customer, `/tickets/${oldId}`)).toContain(`Continúa en el ticket ${ref(newId)}`);
  });

  it('strips every known reference from a reply that carries two', async () => {
    const oldId = await makeTicket(s.app, customer, 'Sin línea');
    await close(s.app, agent.actor, oldId);
    await mails();
    await appendRaw(dovecot, [
      buildMail({
        from: customer.email,
        to: SUPPORT,
        subject: `RE: [${ref(oldId)}] Re: [IZL-000001] Sin línea`,
        text: 'Otra vez.',
        messageId: '<closed-reply-2@cliente.example>',
      }),
    ]);
    const rec = await record('closed-reply-2@cliente.example');
    expect(must(await t.db('tickets').where({ id: rec.ticket_id! }).first()).title).toBe('Sin línea');
    const sent = await mails();
    // One reference in every subject: the new ticket's, before what happened and the clean title.
    const one = new RegExp(`^\\[${ref(rec.ticket_id!)}\\] ([^[\\]]+: )?Sin línea$`);
    expect(sent.length).toBeGreaterThan(0);
    for (const m of sent) expect(m.subject).toMatch(one);
  });
});

describe('the quarantine page', () => {
  it('shows translated reasons, never message keys, and releases through the app use case', async () => {
    const ticketId = await makeTicket(s.app, customer, 'Ya cerrado');
    await close(s.app, agent.actor, ticketId);
    await mails();
    // An agent's #resolve on a closed ticket (a reply to its notification: the agent's own reply token) is
    // refused by the use case and held with its message key.
    const token = signReplyToken(s.config.SECRET, { ticketId, userId: agent.id });
    await appendRaw(dovecot, [
      buildMail({
        from: agent.email,
        to: `support+${token}@izarlink.example`,
        subject: `Re: [${ref(ticketId)}] Ya cerrado`,
        text: '#resolve\n\nCambiada la ONT.',
        messageId: '<held-agent@izarlink.example>',
      }),
    ]);
    const held = await record('held-agent@izarlink.example');
    expect(held.reason).toBe('effect_refused: #resolve: errors.transitionInvalid');
    expect(held.quarantine_state).toBe('held');
    // The agent is told what failed and why (issue 12.5); nothing reaches the customer.
    expect((await mails()).map(toAddress)).toEqual([agent.email]);

    const es = await page(agent, '/agent/quarantine');
    expect(es).toContain(
      'No se pudo aplicar — #resolve: Esa acción no es posible en el estado actual del ticket.',
    );
    expect(es).not.toMatch(/errors\.|agent:quarantine/);
    const en = await page(await makeUser(s.app, 'agent', { language: 'en' }), '/agent/quarantine');
    expect(en).toContain('Could not be applied — #resolve:');
    expect(en).not.toMatch(/errors\.|agent:quarantine/);
    const fr = await page(await makeUser(s.app, 'agent', { language: 'fr' }), `/agent/quarantine/${held.id}`);
    expect(fr).toContain('Impossible à appliquer — #resolve:');
    expect(fr).not.toMatch(/errors\.|agent:quarantine/);

    // A customer's mail held as spoofed, released from the page: a ticket, and its acknowledgement is mailed.
    const [spoofed] = await t
      .db('inbound_mails')
      .insert({
        mailbox: 'INBOX',
        from_address: customer.email,
        subject: 'Retenido',
        outcome: 'held',
        reason: 'not_authenticated: dmarc=fail',
        quarantine_state: 'held',
        raw: Buffer.from(
          buildMail({
            from: customer.email,
            to: SUPPORT,
            subject: 'Retenido',
            messageId: '<held-2@cliente.example>',
          }),
        ),
      })
      .returning('id');
    const web = new WebClient(base);
    await web.login(agent.email);
    await web.get('/agent/quarantine');
    const r = await web.post(`/agent/quarantine/${spoofed.id}/release`, {});
    expect(r.status).toBe(303);
    const released = must(await t.db('inbound_mails').where({ id: spoofed.id }).first());
    expect(released.quarantine_state).toBe('released');
    expect(r.location).toBe(`/agent/tickets/${released!.ticket_id}`);
    expect((await mails()).map(toAddress).sort()).toEqual(expect.arrayContaining([customer.email]));
  });
});

describe('the quarantine digest', () => {
  it('mails the agents the newly held messages once, with reason and link, from the scheduled job', async () => {
    await mails();
    const ids: number[] = [];
    for (const [from, subject, reason] of [
      ['nuevo@desconocido.example', 'Quiero contratar', 'unknown_sender: no account for this address'],
      [customer.email, 'Factura rara', 'not_authenticated: dmarc=fail'],
    ] as const) {
      const [row] = await t
        .db('inbound_mails')
        .insert({
          mailbox: 'INBOX',
          from_address: from,
          subject,
          outcome: 'held',
          reason,
          quarantine_state: 'held',
        })
        .returning('id');
      ids.push(row.id);
    }
    // The worker's job scheduler runs the digest at once, then every QUARANTINE_DIGEST_MINUTES.
    const jobs = await startJobs(s);
    try {
      const digest = (
        await waitUntil('the quarantine digest mail', async () => {
          const got = await mails();
          return got.length ? got : null;
        })
      ).filter((m) => toAddress(m) === agent.email);
      expect(digest).toHaveLength(1);
      const m = digest[0] as (typeof digest)[number];
      expect(m.subject).toMatch(/^Cuarentena: \d+ mensajes retenidos nuevos$/);
      expect(m.text).toContain('nuevo@desconocido.example — Quiero contratar — Remitente desconocido');
      expect(m.text).toContain(`Factura rara — Posible suplantación (no autenticado)`);
      expect(m.html).toContain(`/agent/quarantine/${ids[0]}"`);
      expect(m.text).not.toMatch(/agent:quarantine|errors\./);
      const listed = await t.db('inbound_mails').whereIn('id', ids).select('details');
      expect(listed.every((r) => typeof r.details.digestedAt === 'string')).toBe(true);
    } finally {
      await jobs.stop();
    }
    // Nothing newly held: the next run sends nothing.
    expect(await queueQuarantineDigest(s.app)).toEqual({ listed: 0 });
    expect(await mails()).toEqual([]);
  });
});
