import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addFollowup } from '../../src/app/tickets/add-followup.js';
import { formatReference } from '../../src/domain/reference.js';
import { signReplyToken } from '../../src/domain/tokens.js';
import { startIngest } from '../../src/ingest/index.js';
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

/** Issue 12.13 (private notes by mail, merge on the web, mentions) and 12.14 (a held stranger in one click). */
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
const signedIn = async (who: TestUser) => {
  const web = new WebClient(base);
  await web.login(who.email);
  return web;
};
const page = async (who: TestUser, path: string) => {
  const r = await (await signedIn(who)).get(path);
  expect(r.status, path).toBe(200);
  return r.text;
};
const tokenOf = (ticketId: number, user: TestUser) =>
  signReplyToken(s.config.SECRET, { ticketId, userId: user.id });

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

describe('a private note by mail (12.13)', () => {
  it('records #nota as a private note that no customer mail carries', async () => {
    const ticketId = await makeTicket(s.app, customer, 'Router reinicia solo');
    await mails();
    await appendRaw(dovecot, [
      buildMail({
        from: agent.email,
        to: `support+${tokenOf(ticketId, agent)}@izarlink.example`,
        subject: `Re: [${ref(ticketId)}] Router reinicia solo`,
        text: '#nota\n\nEl cliente tiene un router viejo, ojo con el firmware.',
        messageId: '<note-cmd@izarlink.example>',
      }),
    ]);
    const rec = await record('note-cmd@izarlink.example');
    expect(rec.outcome).toBe('followup');
    expect(rec.reason).toMatch(/^agent_note:/);
    const note = must(await t.db('followups').where({ id: rec.followup_id! }).first());
    expect(note).toMatchObject({ ticket_id: ticketId, visibility: 'private', kind: 'note', source: 'email' });
    expect(note.body).toBe('El cliente tiene un router viejo, ojo con el firmware.');
    // Not a public answer: the ticket stays new, and nobody is mailed (no assignee, never the customer).
    expect(must(await t.db('tickets').where({ id: ticketId }).first()).status).toBe('new');
    expect(await mails()).toEqual([]);
    expect(await page(agent, `/agent/tickets/${ticketId}`)).toContain('ojo con el firmware');
    expect(await page(customer, `/tickets/${ticketId}`)).not.toContain('firmware');
  });

  it('takes mail to support+note@ as a note, the ticket named by the agent token in the thread', async () => {
    const ticketId = await makeTicket(s.app, customer, 'Cortes por la tarde');
    const colleague = await makeUser(s.app, 'agent');
    await t.db('tickets').where({ id: ticketId }).update({ assignee_id: colleague.id });
    await mails();
    await appendRaw(dovecot, [
      buildMail({
        from: agent.email,
        to: 'support+note@izarlink.example',
        subject: 'Re: Cortes por la tarde',
        text: 'Hablé con el cliente por teléfono: es la toma de la pared.',
        messageId: '<note-addr@izarlink.example>',
        headers: { 'In-Reply-To': `<${tokenOf(ticketId, agent)}@izarlink.example>` },
      }),
    ]);
    const rec = await record('note-addr@izarlink.example');
    expect(rec.reason).toMatch(/^agent_note:/);
    expect(must(await t.db('followups').where({ id: rec.followup_id! }).first())).toMatchObject({
      ticket_id: ticketId,
      visibility: 'private',
    });
    // The assignee hears of the note; the customer does not.
    const sent = await mails();
    expect(sent.map(toAddress)).toEqual([colleague.email]);
    expect(sent[0]?.subject).toMatch(/^\[IZL-\d+\] Nota interna/);
  });

  it('holds a forged agent note (no token, no trusted authentication) and writes nothing', async () => {
    const ticketId = await makeTicket(s.app, customer, 'Sin tono');
    await mails();
    await appendRaw(dovecot, [
      buildMail({
        from: agent.email,
        to: 'support+note@izarlink.example',
        subject: `[${ref(ticketId)}] Sin tono`,
        text: 'Nota falsa',
        messageId: '<note-forged@attacker.example>',
      }),
    ]);
    const rec = await record('note-forged@attacker.example');
    expect(rec.outcome).toBe('held');
    expect(rec.reason).toMatch(/^agent_not_verified:/);
    expect(await t.db('followups').where({ ticket_id: ticketId })).toEqual([]);
    // Only the real agent's address is told; never the customer.
    expect((await mails()).map(toAddress)).toEqual([agent.email]);
  });

  it('refuses #nota with a status command as one intent, and tells the agent', async () => {
    const ticketId = await makeTicket(s.app, customer, 'Lentitud');
    await mails();
    await appendRaw(dovecot, [
      buildMail({
        from: agent.email,
        to: `support+${tokenOf(ticketId, agent)}@izarlink.example`,
        subject: `Re: [${ref(ticketId)}] Lentitud`,
        text: '#nota\n#resolver\n\nCambiado el perfil.',
        messageId: '<note-resolve@izarlink.example>',
      }),
    ]);
    const rec = await record('note-resolve@izarlink.example');
    expect(rec.reason).toMatch(/^conflicting_commands:/);
    expect(must(await t.db('tickets').where({ id: ticketId }).first()).status).toBe('new');
    const sent = await mails();
    expect(sent.map(toAddress)).toEqual([agent.email]);
    expect(sent[0]?.text).toContain('una nota privada (#nota) va sin orden de estado');
  });
});

describe('mentions of other tickets (12.13)', () => {
  it('links the existing tickets a new mail names, for agents only', async () => {
    const other = await makeTicket(s.app, customer, 'Avería anterior');
    await mails();
    await appendRaw(dovecot, [
      buildMail({
        from: customer.email,
        to: SUPPORT,
        subject: 'Otra vez sin servicio',
        text: `Es lo mismo que en ${ref(other)} y que en IZL-999999.`,
        messageId: '<mention-1@cliente.example>',
      }),
    ]);
    const rec = await record('mention-1@cliente.example');
    expect(rec.outcome).toBe('new_ticket');
    const id = rec.ticket_id as number;
    expect(await t.db('ticket_links').where({ ticket_id: id }).select('other_ticket_id', 'kind')).toEqual([
      { other_ticket_id: other, kind: 'mentions' },
    ]);
    expect(await page(agent, `/agent/tickets/${id}`)).toContain(`Menciona el ticket ${ref(other)}`);
    expect(await page(agent, `/agent/tickets/${other}`)).toContain(`Mencionado en el ticket ${ref(id)}`);
    for (const p of [`/tickets/${id}`, `/tickets/${other}`])
      expect(await page(customer, p)).not.toMatch(/[Mm]encion/);
    // The usual mails, and no word of the mention in them.
    const sent = await mails();
    expect(sent.filter((m) => toAddress(m) === customer.email)).toHaveLength(1);
    expect(sent.map(toAddress)).toContain(agent.email);
    for (const m of sent) expect(m.text).not.toMatch(/[Mm]encion/);

    const en = await makeUser(s.app, 'agent', { language: 'en' });
    expect(await page(en, `/agent/tickets/${id}`)).toContain(`Mentions ticket ${ref(other)}`);
    const fr = await makeUser(s.app, 'agent', { language: 'fr' });
    expect(await page(fr, `/agent/tickets/${id}`)).toContain(`Mentionne le ticket ${ref(other)}`);
  });

  it('does not count the ticket being replied to as a mention', async () => {
    const id = await makeTicket(s.app, customer, 'Sin wifi');
    await mails();
    await appendRaw(dovecot, [
      buildMail({
        from: customer.email,
        to: `support+${tokenOf(id, customer)}@izarlink.example`,
        subject: `Re: [${ref(id)}] Sin wifi`,
        text: `Sigue igual, os lo digo en ${ref(id)}.`,
        messageId: '<mention-own@cliente.example>',
      }),
    ]);
    const rec = await record('mention-own@cliente.example');
    expect(rec.outcome).toBe('followup');
    expect(await t.db('ticket_links').where({ ticket_id: id }).orWhere({ other_ticket_id: id })).toEqual([]);
    await mails();
  });
});

describe('merging a duplicate on the web (12.13)', () => {
  it('moves the conversation, closes the duplicate, tells the customer, and routes old replies', async () => {
    const main = await makeTicket(s.app, customer, 'Fibra caída en Bilbao');
    const dup = await makeTicket(s.app, customer, 'No tengo internet en Bilbao');
    await addFollowup(s.app, customer.actor, { ticketId: dup, body: 'Las luces del router parpadean.' });
    await mails();
    const web = await signedIn(agent);
    const form = await web.get(`/agent/tickets/${dup}`);
    expect(form.text).toContain('Unir a otro ticket (duplicado)');

    // Refusals come back on the form, nothing changed.
    const self = await web.post(`/agent/tickets/${dup}/merge`, { target: ref(dup) });
    expect(self.status).toBe(422);
    expect(self.text).toContain('Un ticket no se puede unir a sí mismo.');
    const stranger = await makeTicket(s.app, await makeUser(s.app, 'customer'), 'Otro cliente');
    const other = await web.post(`/agent/tickets/${dup}/merge`, { target: ref(stranger) });
    expect(other.status).toBe(422);
    expect(other.text).toContain('Solo se pueden unir tickets del mismo solicitante.');
    expect(must(await t.db('tickets').where({ id: dup }).first()).status).toBe('new');
    await mails();

    const r = await web.post(`/agent/tickets/${dup}/merge`, { target: ref(main) });
    expect(r.status).toBe(303);
    expect(r.location).toBe(`/agent/tickets/${main}`);
    expect(must(await t.db('tickets').where({ id: dup }).first()).status).toBe('closed');
    expect(await t.db('ticket_links').where({ ticket_id: dup }).select('other_ticket_id', 'kind')).toEqual([
      { other_ticket_id: main, kind: 'merged_into' },
    ]);
    const moved = await t.db('followups').where({ ticket_id: main }).orderBy('id').select('body');
    expect(moved.map((f) => f.body)).toEqual([
      'Las luces del router parpadean.',
      'No tengo internet en Bilbao\n\nThe line is down since this morning.',
    ]);
    expect(await t.db('followups').where({ ticket_id: dup })).toEqual([]);
    expect(
      await t.db('ticket_events').where({ ticket_id: dup, kind: 'merged' }).first('data', 'to_status'),
    ).toEqual({ data: { into: main }, to_status: 'closed' });

    // One mail, to the customer, with the reference to use from now on.
    const sent = await mails();
    expect(sent.map(toAddress)).toEqual([customer.email]);
    expect(sent[0]?.subject).toBe(`[${ref(main)}] Tickets unidos: Fibra caída en Bilbao`);
    expect(sent[0]?.text).toContain(
      `Su ticket ${ref(dup)} trataba lo mismo que el ticket ${ref(main)}, así que los hemos unido`,
    );

    const mainPage = await page(agent, `/agent/tickets/${main}`);
    expect(mainPage).toContain(`El ticket ${ref(dup)} se fusionó en este`);
    expect(mainPage).toContain('Las luces del router parpadean.');
    expect(await page(agent, `/agent/tickets/${dup}`)).toContain(`Fusionado en el ticket ${ref(main)}`);
    expect(await page(customer, `/tickets/${dup}`)).toContain(`Fusionado en el ticket ${ref(main)}`);
    expect(await page(customer, `/tickets/${main}`)).toContain('Las luces del router parpadean.');

    // A reply to a mail of the old ticket (its reply token) lands on the one it was merged into.
    await appendRaw(dovecot, [
      buildMail({
        from: customer.email,
        to: `support+${tokenOf(dup, customer)}@izarlink.example`,
        subject: `Re: [${ref(dup)}] No tengo internet en Bilbao`,
        text: 'Ya funciona, gracias.',
        messageId: '<after-merge@cliente.example>',
      }),
    ]);
    const rec = await record('after-merge@cliente.example');
    expect(rec.outcome).toBe('followup');
    expect(rec.ticket_id).toBe(main);
    expect(await t.db('tickets').count({ n: '*' }).where('title', 'like', '%Bilbao%')).toEqual([{ n: 2 }]);
    const after = await mails();
    expect(after.map(toAddress)).toContain(agent.email);
    expect(after.map(toAddress)).not.toContain(customer.email);
    for (const m of after) expect(m.subject).toContain(`[${ref(main)}]`);
  });
});

describe('a held stranger who looks like a person (12.14)', () => {
  it('becomes a customer with a ticket in one click: invitation, acknowledgement, files', async () => {
    await mails();
    await appendRaw(dovecot, [
      buildMail({
        from: 'María López <maria.lopez@nuevo.example>',
        to: SUPPORT,
        subject: 'Quiero contratar fibra',
        text: '¿Tienen cobertura en la calle Mayor 3?',
        messageId: '<stranger@nuevo.example>',
        attachments: [{ name: 'plano.pdf', size: 2048, type: 'application/pdf' }],
      }),
      buildMail({
        from: 'x7@robotico.example',
        to: SUPPORT,
        subject: 'Oferta',
        text: 'Compre ya',
        messageId: '<not-person@robotico.example>',
      }),
    ]);
    const held = await record('stranger@nuevo.example');
    expect(held).toMatchObject({ outcome: 'rejected', quarantine_state: 'held' });
    expect(held.details.person).toBe('María López');
    const notPerson = await record('not-person@robotico.example');
    expect(notPerson.details.person).toBeUndefined();
    // The usual polite answers to unknown senders.
    expect((await mails()).map(toAddress).sort()).toEqual([
      'maria.lopez@nuevo.example',
      'x7@robotico.example',
    ]);

    const web = await signedIn(agent);
    const list = await web.get('/agent/quarantine');
    expect(list.text).toContain(`action="/agent/quarantine/${held.id}/customer"`);
    expect(list.text).not.toContain(`action="/agent/quarantine/${notPerson.id}/customer"`);
    expect((await web.get(`/agent/quarantine/${held.id}`)).text).toContain('Crear cliente y ticket');
    const refused = await web.post(`/agent/quarantine/${notPerson.id}/customer`, { companyCode: '' });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('Este mensaje no parece de una persona');
    expect(must(await t.db('inbound_mails').where({ id: notPerson.id }).first()).quarantine_state).toBe(
      'held',
    );

    const r = await web.post(`/agent/quarantine/${held.id}/customer`, { companyCode: '' });
    expect(r.status).toBe(303);
    const released = must(await t.db('inbound_mails').where({ id: held.id }).first());
    expect(released).toMatchObject({ quarantine_state: 'released', outcome: 'new_ticket' });
    expect(r.location).toBe(`/agent/tickets/${released.ticket_id}`);
    const user = must(await t.db('users').where({ email: 'maria.lopez@nuevo.example' }).first());
    expect(user).toMatchObject({ name: 'María López', role: 'customer' });
    const ticket = must(await t.db('tickets').where({ id: released.ticket_id! }).first());
    expect(ticket).toMatchObject({ requester_id: user.id, title: 'Quiero contratar fibra', source: 'email' });
    expect(await t.db('attachments').where({ ticket_id: ticket.id }).select('filename')).toEqual([
      { filename: 'plano.pdf' },
    ]);
    const company = must(await t.db('companies').where({ id: user.company_id! }).first());
    expect(company.name).toBe('maria.lopez@nuevo.example');

    const sent = await mails();
    const toMaria = sent.filter((m) => toAddress(m) === 'maria.lopez@nuevo.example').map((m) => m.subject);
    expect(toMaria).toHaveLength(2);
    expect(toMaria).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/invit|cuenta|acceso/i),
        expect.stringContaining(ref(ticket.id)),
      ]),
    );
    expect(sent.filter((m) => toAddress(m) === agent.email).map((m) => m.subject)).toEqual([
      expect.stringContaining(ref(ticket.id)),
    ]);
    // Done once: a second click finds nothing held.
    expect((await web.post(`/agent/quarantine/${held.id}/customer`, { companyCode: '' })).status).toBe(409);
  });

  it('puts the new customer in the company the agent names by code', async () => {
    const [company] = await t.db('companies').insert({ name: 'Talleres Ruiz', code: 'TRZ' }).returning('id');
    await appendRaw(dovecot, [
      buildMail({
        from: 'Jon Ruiz <jon@talleres-ruiz.example>',
        to: SUPPORT,
        subject: 'Alta de línea',
        text: 'Somos clientes nuevos.',
        messageId: '<stranger-2@talleres-ruiz.example>',
      }),
    ]);
    const held = await record('stranger-2@talleres-ruiz.example');
    await mails();
    const web = await signedIn(agent);
    await web.get(`/agent/quarantine/${held.id}`);
    const bad = await web.post(`/agent/quarantine/${held.id}/customer`, { companyCode: 'NOPE' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('No hay ninguna empresa con ese código.');
    expect(await t.db('users').where({ email: 'jon@talleres-ruiz.example' })).toEqual([]);
    const r = await web.post(`/agent/quarantine/${held.id}/customer`, { companyCode: 'trz' });
    expect(r.status).toBe(303);
    expect(must(await t.db('users').where({ email: 'jon@talleres-ruiz.example' }).first()).company_id).toBe(
      company.id,
    );
    await mails();
  });
});
