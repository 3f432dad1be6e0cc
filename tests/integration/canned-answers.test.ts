import type { ParsedMail } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCannedAnswer } from '../../src/app/canned/canned-answers.js';
import { formatReference } from '../../src/domain/reference.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { buildMail } from '../helpers/imap.js';
import { MX, recipients, startMailWorld } from '../helpers/mail-world.js';
import { toAddress } from '../helpers/smtp.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

// Issue 15, canned answers: kept on the agent pages, used from the ticket page without JavaScript, and by mail.
const t = await useTestDb();
const w = await startMailWorld(t, { MAIL_TRUSTED_AUTHSERV_ID: MX });
const base = await startTestWeb(w.s);
const PASS = {
  'Authentication-Results': `${MX}; dkim=pass header.d=example.test; dmarc=pass header.from=example.test`,
};
let admin: TestUser;
let agent: TestUser;
let english: TestUser;
let spanish: TestUser;

const ESCALATE_ES =
  'Hola {{customer_name}}:\nPara seguir con {{reference}} ({{service}}) necesitamos una foto de las luces del router.\n{{agent_name}}';
const ESCALATE_EN =
  'Hello {{customer_name}},\nTo go on with {{reference}} ({{service}}) we need a photo of the router lights.\n{{agent_name}}';

beforeAll(async () => {
  admin = await makeUser(t.app, 'admin');
  agent = await makeUser(t.app, 'agent');
  english = await makeUser(t.app, 'customer', { language: 'en' });
  spanish = await makeUser(t.app, 'customer');
});

const names = (id: number) => t.db('users').where({ id }).first('name');
const ticket = (id: number) => t.db('tickets').where({ id }).first();
const textarea = (page: string) =>
  /<textarea id="f-body" name="body"[^>]*>([\s\S]*?)<\/textarea>/.exec(page)?.[1] ?? '';
const html = (m: ParsedMail | undefined) => (typeof m?.html === 'string' ? m.html : '');

async function freshTicket(customer: TestUser): Promise<number> {
  const id = await makeTicket(t.app, customer);
  await w.sent();
  return id;
}

describe('the canned answers pages', { timeout: 60_000 }, () => {
  it('admins keep shared answers; agents use them, keep their own, and cannot change the shared', async () => {
    const a = new WebClient(base);
    await a.login(admin.email);
    const form = await a.get('/agent/canned/new');
    expect(form.status).toBe(200);
    expect(form.text).toContain('{{customer_name}}');

    const typo = await a.post('/agent/canned', {
      name: 'fotos',
      language: 'es',
      title: 'Pedir fotos',
      body: 'Hola {{nombre}}',
      action: 'pending',
      shared: '1',
      active: '1',
    });
    expect(typo.status).toBe(422);
    expect(typo.text).toContain('Hay marcadores que no existen: {{nombre}}.');

    const created = await a.post('/agent/canned', {
      name: 'fotos',
      language: 'es',
      title: 'Pedir fotos',
      body: ESCALATE_ES,
      action: 'pending',
      shared: '1',
      active: '1',
    });
    expect(created.status).toBe(303);
    const again = await a.post('/agent/canned', {
      name: 'Fotos',
      language: 'es',
      title: 'Otra',
      body: 'x',
      action: 'none',
      shared: '1',
      active: '1',
    });
    expect(again.status).toBe(409);
    expect(again.text).toContain('Ya hay una respuesta con ese nombre en ese idioma.');
    const row = must(await t.db('canned_answers').where({ name: 'fotos', language: 'es' }).first());
    expect(row).toMatchObject({ owner_id: null, action: 'pending', active: true });

    const g = new WebClient(base);
    await g.login(agent.email);
    const list = await g.get('/agent/canned');
    expect(list.text).toContain('Pedir fotos');
    const view = await g.get(`/agent/canned/${row.id}`);
    expect(view.text).toContain('Solo los administradores modifican las respuestas compartidas.');
    expect(view.text).not.toContain(`action="/agent/canned/${row.id}"`);
    const edit = await g.post(`/agent/canned/${row.id}`, {
      name: 'fotos',
      language: 'es',
      title: 'Cambiada',
      body: 'x',
      action: 'none',
      active: '1',
    });
    expect(edit.status).toBe(403);
    expect((await g.post(`/agent/canned/${row.id}/delete`, {})).status).toBe(403);
    // An agent cannot make a shared one, even by sending the field.
    expect(
      (
        await g.post('/agent/canned', {
          name: 'mia',
          language: 'es',
          title: 'Mía',
          body: 'Un saludo, {{agent_name}}.',
          action: 'none',
          shared: '1',
          active: '1',
        })
      ).status,
    ).toBe(403);
    const mine = await g.post('/agent/canned', {
      name: 'mia',
      language: 'es',
      title: 'Mía',
      body: 'Un saludo, {{agent_name}}.',
      action: 'none',
      active: '1',
    });
    expect(mine.status).toBe(303);
    const own = must(await t.db('canned_answers').where({ name: 'mia' }).first());
    expect(own.owner_id).toBe(agent.id);
    // Another agent does not see it.
    const other = await makeUser(t.app, 'agent');
    const o = new WebClient(base);
    await o.login(other.email);
    expect((await o.get('/agent/canned')).text).not.toContain('Mía');
    expect((await o.get(`/agent/canned/${own.id}`)).status).toBe(404);
    expect((await g.post(`/agent/canned/${own.id}/delete`, {})).status).toBe(303);
    expect(await t.db('canned_answers').where({ id: own.id }).first()).toBeUndefined();
  });
});

describe('a canned answer on the ticket page, without JavaScript', { timeout: 60_000 }, () => {
  it('GET ?canned fills the answer in the requester’s language with its action; POST sends it', async () => {
    await createCannedAnswer(t.app, admin.actor, {
      name: 'fotos',
      language: 'en',
      title: 'Ask for photos',
      body: ESCALATE_EN,
      action: 'pending',
      shared: true,
    });
    const es = must(await t.db('canned_answers').where({ name: 'fotos', language: 'es' }).first('id'));
    const id = await freshTicket(english);
    const g = new WebClient(base);
    await g.login(agent.email);
    const plain = await g.get(`/agent/tickets/${id}`);
    expect(plain.text).toContain('Ask for photos (fotos)');
    expect(plain.text).not.toContain('Pedir fotos (fotos)');
    expect(textarea(plain.text)).toBe('');

    // The Spanish one is picked; the requester reads English, and the English text of that name comes.
    const page = await g.get(`/agent/tickets/${id}?canned=${es.id}`);
    expect(page.status).toBe(200);
    const customerName = must(await names(english.id)).name;
    const agentName = must(await names(agent.id)).name;
    const filled = textarea(page.text);
    expect(filled).toContain(`Hello ${customerName},`);
    expect(filled).toContain(`To go on with ${formatReference('IZL', id)} (Fibra`);
    expect(filled).toContain(agentName);
    expect(page.text).toMatch(/<input type="radio" name="sendAs" value="ask"[^>]*checked>/);
    expect(page.text).toContain('<details id="answer-form" open>');
    expect(must(await ticket(id)).status).toBe('new');
    expect(await w.sent()).toHaveLength(0);

    const body = `${filled.replaceAll('&#39;', "'")}\nP.S. Also the model, please.`;
    const sent = await g.postMultipart(`/agent/tickets/${id}/answer`, { body, sendAs: 'ask' });
    expect(sent.status).toBe(303);
    expect(must(await ticket(id)).status).toBe('pending');
    const mails = await w.sent();
    expect(recipients(mails)).toEqual([english.email]);
    expect(mails[0]?.text).toContain(`Hello ${customerName},`);
    expect(mails[0]?.text).toContain('P.S. Also the model, please.');
    expect(html(mails[0])).toContain('we need a photo of the router lights.');

    expect((await g.get(`/agent/tickets/${id}?canned=999999`)).status).toBe(404);
    expect((await g.get(`/agent/tickets/${id}?canned=abc`)).status).toBe(400);
  });
});

let n = 0;
async function mail(from: string, id: number, text: string) {
  const mid = `canned-${++n}@example.test`;
  await w.deliver([
    buildMail({
      from,
      subject: `Re: [${formatReference('IZL', id)}] No connection`,
      text,
      messageId: `<${mid}>`,
      headers: PASS,
    }),
  ]);
  return w.record(mid);
}

describe('#respuesta in an agent’s mail', { timeout: 60_000 }, () => {
  it('puts the rendered answer and the agent’s text on the ticket, applies its action, one mail to the customer', async () => {
    const id = await freshTicket(spanish);
    const rec = await mail(agent.email, id, '#respuesta fotos\n\nY dígame el modelo, por favor.');
    expect(rec).toMatchObject({ outcome: 'followup', ticket_id: id });
    expect(rec.reason).toMatch(/^agent_command: #respuesta fotos on /);
    expect(must(await ticket(id)).status).toBe('pending');
    const f = must(await t.db('followups').where({ id: rec.followup_id! }).first());
    const customerName = must(await names(spanish.id)).name;
    expect(f).toMatchObject({ author_id: agent.id, kind: 'info_request', visibility: 'public' });
    expect(f.body).toMatch(
      new RegExp(`^Hola ${customerName}:\\nPara seguir con ${formatReference('IZL', id)}`),
    );
    expect(f.body).toMatch(/\n\nY dígame el modelo, por favor\.$/);
    const mails = await w.sent();
    expect(recipients(mails)).toEqual([spanish.email]);
    expect(mails[0]?.text).toContain('necesitamos una foto de las luces del router');
    expect(mails[0]?.text).toContain('Y dígame el modelo, por favor.');
  });

  it('an unknown name applies nothing; the agent is told, in their language', async () => {
    const id = await freshTicket(spanish);
    const en = await makeUser(t.app, 'agent', { language: 'en' });
    const rec = await mail(en.email, id, '#answer nosuch\n\nHi.');
    expect(rec).toMatchObject({ outcome: 'held' });
    expect(rec.reason).toMatch(/^unknown_canned: /);
    expect(must(await ticket(id)).status).toBe('new');
    expect(await t.db('followups').where({ ticket_id: id })).toHaveLength(0);
    const mails = await w.sent();
    expect(recipients(mails)).toEqual([en.email]);
    expect(mails[0]?.text).toContain('there is no active canned answer called “nosuch”');
    expect(toAddress(mails[0] as ParsedMail)).toBe(en.email);
  });

  it('a canned action against another status command applies nothing', async () => {
    const id = await freshTicket(spanish);
    const rec = await mail(agent.email, id, '#resolver\n#respuesta fotos');
    expect(rec).toMatchObject({ outcome: 'held' });
    expect(rec.reason).toMatch(/^conflicting_canned: /);
    expect(must(await ticket(id)).status).toBe('new');
    const mails = await w.sent();
    expect(recipients(mails)).toEqual([agent.email]);
    expect(mails[0]?.text).toContain('#respuesta fotos + #resolver');
  });
});
