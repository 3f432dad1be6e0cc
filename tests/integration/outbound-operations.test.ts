import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updatePreferences } from '../../src/app/accounts/profile.js';
import { addFollowup } from '../../src/app/tickets/add-followup.js';
import {
  approveSolution,
  assign,
  refuseSolution,
  reopen,
  resolve,
  setPending,
} from '../../src/app/tickets/lifecycle.js';
import { formatReference } from '../../src/domain/reference.js';
import { ingestMessage } from '../../src/ingest/process-message.js';
import { planMails } from '../../src/outbound/compose.js';
import { startOutbound } from '../../src/outbound/index.js';
import { loadOutbox } from '../../src/outbound/outbox-load.js';
import { compileTemplates } from '../../src/outbound/templates.js';
import type { Services } from '../../src/runtime/services.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { buildMail } from '../helpers/imap.js';
import { useTestServices } from '../helpers/services.js';
import { type CapturingSmtp, header, mailCollector, startCapturingSmtp, toAddress } from '../helpers/smtp.js';

const SUPPORT = 'soporte@izarlink.test';

let s: Services;
let smtp: CapturingSmtp;
let next: () => Promise<ParsedMail[]>;
let lucia: TestUser; // customer, Spanish
let ana: TestUser; // agent, Spanish

const one = (mails: ParsedMail[], email: string): ParsedMail => {
  const found = mails.filter((m) => toAddress(m) === email);
  expect(found, `one mail to ${email}`).toHaveLength(1);
  return found[0] as ParsedMail;
};
const html = (m: ParsedMail) => (typeof m.html === 'string' ? m.html : '');
const quote = /border-left:3px solid/;
const ref = (id: number) => formatReference('IZL', id);

const t = await useTestDb();
smtp = await startCapturingSmtp();
s = await useTestServices(t, { SMTP_URL: smtp.url, SUPPORT_ADDRESS: SUPPORT, SMTP_MAX_PER_SECOND: '500' });
const outbound = await startOutbound(s, { sweepMs: 300, retryBaseMs: 100 });
afterAll(async () => {
  await outbound.stop();
  await smtp.close();
});
next = mailCollector(s.db, smtp);

beforeAll(async () => {
  lucia = await makeUser(s.app, 'customer', { language: 'es' });
  ana = await makeUser(s.app, 'agent', { language: 'es' });
});

const ingest = (raw: string) =>
  ingestMessage(
    s,
    {
      raw: Buffer.from(raw),
      mailbox: 'INBOX',
      uidvalidity: null,
      uid: null,
      size: raw.length,
      receivedAt: new Date(),
    },
    { mode: 'inbox' },
  );

describe('every operation is mailed to the requester', () => {
  let id: number;

  it('her own web follow-up comes back to her as a copy naming the attached file; the agent gets it too', async () => {
    id = await makeTicket(
      s.app,
      lucia,
      'Velocidad muy baja en la oficina de Burgos por las tardes desde el lunes',
    );
    await next();
    await assign(s.app, ana.actor, id, ana.id);
    await next();
    await addFollowup(s.app, lucia.actor, {
      ticketId: id,
      body: 'Adjunto la captura del test de velocidad.',
      files: [{ filename: 'test-velocidad.png', contentType: 'image/png', data: Buffer.alloc(2048, 1) }],
    });
    const mails = await next();
    const copy = one(mails, lucia.email);
    expect(copy.subject).toBe(
      `[${ref(id)}] Nuevo seguimiento: Velocidad muy baja en la oficina de Burgos por las tardes…`,
    );
    expect(copy.text).toContain('Hemos añadido su mensaje al ticket');
    expect(copy.text).toContain('Adjunto la captura del test de velocidad.');
    expect(copy.text).toContain('Archivo adjunto:\n- test-velocidad.png (2 KB)');
    expect(html(copy)).toContain('test-velocidad.png (2 KB)');
    const toAgent = one(mails, ana.email);
    expect(toAgent.text).toContain('test-velocidad.png (2 KB)');
    // A customer's words, not an automatic message.
    expect(toAgent.text).toContain('Enviado desde el soporte de IzarLink');
    expect(toAgent.text).not.toContain('Mensaje automático');
  });

  it('a document-only follow-up names the file and renders no empty quote', async () => {
    await addFollowup(s.app, ana.actor, {
      ticketId: id,
      body: '',
      files: [
        { filename: 'informe-linea.pdf', contentType: 'application/pdf', data: Buffer.alloc(3 * 1024, 1) },
      ],
    });
    const m = one(await next(), lucia.email);
    expect(m.text).toMatch(/ha añadido documentos al ticket/);
    expect(m.text).toContain('informe-linea.pdf (3 KB)');
    expect(html(m)).not.toMatch(quote);
  });

  it('the subject says an answer is asked for, and the mail keeps the status of its event (12.4)', async () => {
    await setPending(s.app, ana.actor, id, { body: '¿Qué luces tiene encendidas el router?' });
    const asked = one(await next(), lucia.email);
    expect(asked.subject).toMatch(new RegExp(`^\\[${ref(id)}\\] Le pedimos información: `));
    expect(asked.text).toContain('Estado: En espera');
    // She answers before that mail is sent again (or rendered late): the mail still tells its own event.
    await addFollowup(s.app, lucia.actor, { ticketId: id, body: 'La luz PON parpadea.' });
    await next();
    const row = must(await s.db('outbox').where({ ticket_id: id, event: 'ticket.pending' }).first('id'));
    const loaded = await loadOutbox(s.db, row.id);
    if (!loaded) throw new Error('outbox row not found');
    const [mail] = await planMails(s.db, s.config, loaded);
    const plan = await mail?.plan();
    if (!plan) throw new Error('no mail planned');
    const rendered = (await compileTemplates(s.config)).render(plan.template, plan.data);
    expect(rendered.text).toContain('Estado: En espera');
    expect(rendered.text).not.toContain('Estado: En curso');
    expect(must(await s.db('tickets').where({ id }).first('status')).status).toBe('in_progress');
  });

  it('her approval is confirmed to her as a closing; the solution mail said it waits for her approval', async () => {
    await resolve(s.app, ana.actor, id, { body: 'Hemos cambiado el perfil de la línea.' });
    const proposed = one(await next(), lucia.email);
    expect(proposed.subject).toMatch(new RegExp(`^\\[${ref(id)}\\] Solución propuesta: `));
    await approveSolution(s.app, lucia.actor, id);
    const mails = await next();
    const closed = one(mails, lucia.email);
    expect(closed.subject).toMatch(new RegExp(`^\\[${ref(id)}\\] Cerrado: `));
    expect(closed.text).toContain('Ha aprobado la solución');
    expect(closed.text).toContain('Estado: Cerrado');
    expect(html(closed)).not.toMatch(quote);
    expect(one(mails, ana.email).subject).toMatch(/\] Solución aprobada: /);
  });

  it('with her copies turned off she gets none of her follow-ups, but reopenings and closings still', async () => {
    await updatePreferences(s.app, lucia.id, {
      language: 'es',
      timeZone: 'Europe/Madrid',
      pageSize: '20',
      notifySelf: false,
    });
    await reopen(s.app, ana.actor, id);
    expect(one(await next(), lucia.email).subject).toMatch(/\] Reabierto: /);
    await addFollowup(s.app, lucia.actor, { ticketId: id, body: 'Vuelve a ir lento.' });
    expect((await next()).map(toAddress)).toEqual([ana.email]);
    await resolve(s.app, ana.actor, id, { body: 'Segundo ajuste.' });
    await next();
    await refuseSolution(s.app, lucia.actor, id, { body: 'Sigue igual.' });
    const mails = await next();
    const reopened = one(mails, lucia.email);
    expect(reopened.subject).toMatch(/\] Reabierto: /);
    expect(reopened.text).toContain('lo hemos reabierto');
    expect(reopened.text).toContain('Sigue igual.');
    expect(one(mails, ana.email).subject).toMatch(/\] Solución rechazada: /);
  });

  it('an agent gets no copy of his own follow-up by default, and one when he asks for it', async () => {
    await addFollowup(s.app, ana.actor, { ticketId: id, body: 'Revisamos de nuevo.' });
    expect((await next()).map(toAddress)).toEqual([lucia.email]);
    await s.db('users').where({ id: ana.id }).update({ notify_self: true });
    await addFollowup(s.app, ana.actor, { ticketId: id, body: 'Otra revisión.' });
    expect((await next()).map(toAddress).sort()).toEqual([ana.email, lucia.email].sort());
    await s.db('users').where({ id: ana.id }).update({ notify_self: null });
    await s.db('users').where({ id: lucia.id }).update({ notify_self: null });
  });
});

describe('threading in the customer’s mail client (12.9)', () => {
  it('the acknowledgement answers her mail, her reply by mail is not echoed, later mails answer her latest', async () => {
    const first = '<primero.7f3a@cliente.example>';
    const report = await ingest(
      buildMail({
        from: lucia.email,
        to: SUPPORT,
        subject: 'Sin internet en el almacén',
        text: 'Desde esta mañana no hay conexión en el almacén.',
        messageId: first,
      }),
    );
    expect(report.action).toBe('new_ticket');
    const id = Number(/(\d+)$/.exec(report.ticket ?? '')?.[1]);
    const root = `<ticket-${id}@izarlink.test>`;
    const ack = one(await next(), lucia.email);
    expect(ack.subject).toBe(`[${ref(id)}] Incidencia registrada: Sin internet en el almacén`);
    expect(ack.inReplyTo).toBe(first);
    expect(ack.references).toEqual([root, first]);
    expect(ack.replyTo?.value[0]?.name).toBe('Soporte IzarLink');
    expect(ack.from?.value[0]?.name).toBe('Soporte IzarLink');
    expect(header(ack, 'content-language')).toBe('es');
    expect(ack.text).toContain('Hemos registrado su incidencia');
    expect(ack.text).not.toMatch(/solicitud/i);

    const second = '<segundo.9b1c@cliente.example>';
    await ingest(
      buildMail({
        from: lucia.email,
        to: SUPPORT,
        subject: `Re: ${ack.subject}`,
        text: 'Ya he reiniciado el router.',
        messageId: second,
        headers: { 'In-Reply-To': ack.messageId ?? '', References: `${first} ${ack.messageId}` },
      }),
    );
    const afterReply = await next();
    expect(afterReply.filter((m) => toAddress(m) === lucia.email)).toHaveLength(0);
    const toTeam = one(afterReply, ana.email);
    expect(toTeam.inReplyTo).toBe(second);

    await addFollowup(s.app, ana.actor, { ticketId: id, body: 'Vemos la ONT apagada.' });
    const answer = one(await next(), lucia.email);
    expect(answer.inReplyTo).toBe(second);
    expect(answer.references).toEqual([root, first, second]);
    expect(answer.text).not.toContain('Mensaje automático');
    expect(answer.from?.value[0]?.name).toMatch(/\(Soporte IzarLink\)$/);
  });
});
