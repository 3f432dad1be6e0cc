import type { ParsedMail } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { updateServiceNetwork } from '../../src/app/agent/companies.js';
import { importCsv } from '../../src/app/agent/csv-import.js';
import { declareIncident, postIncidentUpdate } from '../../src/app/incidents/declare.js';
import { resolveIncident, resolveLinkedTickets } from '../../src/app/incidents/resolve-incident.js';
import { agentQueue } from '../../src/app/queries/agent-queue.js';
import { refuseSolution } from '../../src/app/tickets/lifecycle.js';
import { openTicket } from '../../src/app/tickets/open-ticket.js';
import { queueIncidentResolve } from '../../src/jobs/incident-resolve.js';
import { startJobs } from '../../src/jobs/scheduler.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeUser, type TestUser } from '../helpers/fixtures.js';
import { buildMail } from '../helpers/imap.js';
import { MX, startMailWorld } from '../helpers/mail-world.js';
import { waitUntil } from '../helpers/poll.js';
import { toAddress } from '../helpers/smtp.js';

// Issue 16: one major incident over a zone, fifty customers writing at once by mail and on the web.
const t = await useTestDb();
const w = await startMailWorld(t, { MAIL_TRUSTED_AUTHSERV_ID: MX, MAIL_SENDER_LIMIT_PER_HOUR: '100' });
const PASS = {
  'Authentication-Results': `${MX}; dkim=pass header.d=example.test; dmarc=pass header.from=example.test`,
};
const LANGS = ['es', 'en', 'fr'] as const;
const ZONE = 'VLL-Norte';
const TITLE = {
  es: 'Corte de fibra en Valladolid norte',
  en: 'Fibre cut in north Valladolid',
  fr: 'Coupure de fibre à Valladolid nord',
};
const SAYS = {
  es: {
    subject: 'No tengo internet',
    outage: 'Avería conocida en su zona',
    estimate: 'Estimación de restablecimiento',
  },
  en: { subject: 'Internet is down', outage: 'Known outage in your area', estimate: 'Estimated restoration' },
  fr: {
    subject: "Plus d'internet depuis ce matin",
    outage: 'Panne connue dans votre secteur',
    estimate: 'Rétablissement estimé',
  },
};

interface Customer extends TestUser {
  lang: (typeof LANGS)[number];
  by: 'mail' | 'web';
}
let admin: TestUser;
let agent: TestUser;
let customers: Customer[] = [];
let outsider: TestUser;
let incidentId: number;

async function inZone(u: TestUser, zone: string) {
  for (const id of u.serviceIds)
    await updateServiceNetwork(t.app, admin.actor, id, { zone, technology: 'ftth' });
}

beforeAll(async () => {
  admin = await makeUser(t.app, 'admin');
  agent = await makeUser(t.app, 'agent');
  customers = [];
  for (let i = 0; i < 50; i++) {
    const lang = LANGS[i % 3] as Customer['lang'];
    const u = await makeUser(t.app, 'customer', { language: lang });
    await inZone(u, ZONE);
    // Some companies have a second line elsewhere: a mail names no service, and one in the zone is enough.
    if (i % 4 === 1)
      await t
        .db('services')
        .insert({ company_id: u.companyId as number, name: 'Radio backup', zone: 'Elsewhere' });
    customers.push({ ...u, lang, by: i % 2 ? 'mail' : 'web' });
  }
  outsider = await makeUser(t.app, 'customer');
  await inZone(outsider, 'VLL-Sur');
  await w.sent();
});

const mailsTo = (mails: ParsedMail[], email: string) => mails.filter((m) => toAddress(m) === email);

describe('a major incident over a zone', { timeout: 180_000 }, () => {
  it('links the fifty tickets written by mail and on the web, acknowledges each in its language, keeps them out of the queue', async () => {
    incidentId = await declareIncident(t.app, agent.actor, {
      title: TITLE,
      description: { es: 'Unas obras han cortado el cable troncal.', en: 'Road works cut the trunk cable.' },
      scope: { zones: [ZONE.toLowerCase()] },
      public: true,
      estimatedEndAt: new Date(Date.now() + 3 * 3600_000),
    });
    const byMail = customers.filter((c) => c.by === 'mail');
    await w.deliver(
      byMail.map((c, i) =>
        buildMail({
          from: c.email,
          subject: SAYS[c.lang].subject,
          text: 'Hola, desde esta mañana no funciona nada.',
          messageId: `<outage-${i}@example.test>`,
          headers: PASS,
        }),
      ),
    );
    for (const c of customers.filter((x) => x.by === 'web'))
      await openTicket(t.app, c.actor, {
        draft: {
          type: 'incident',
          category: 'total_outage',
          urgency: 'high',
          serviceId: c.serviceIds[0] as number,
          title: 'Sin conexión',
          description: 'No hay internet en la oficina.',
        },
      });
    for (let i = 0; i < byMail.length; i++)
      expect(await w.record(`outage-${i}@example.test`)).toMatchObject({ outcome: 'new_ticket' });
    const outsiderMail = buildMail({
      from: outsider.email,
      subject: 'No tengo internet',
      text: 'Nada.',
      messageId: '<outsider@example.test>',
      headers: PASS,
    });
    await w.deliver([outsiderMail]);
    const outsiderTicket = must((await w.record('outsider@example.test')).ticket_id ?? undefined);

    const tickets = await t.db('tickets').whereIn(
      'requester_id',
      customers.map((c) => c.id),
    );
    expect(tickets).toHaveLength(50);
    expect(tickets.every((x) => x.major_incident_id === incidentId)).toBe(true);
    expect(must(await t.db('tickets').where({ id: outsiderTicket }).first()).major_incident_id).toBeNull();

    const mails = await w.sent();
    for (const c of customers) {
      const own = mailsTo(mails, c.email);
      expect(own, c.email).toHaveLength(1);
      expect(own[0]?.subject).toContain(SAYS[c.lang].outage);
      expect(own[0]?.text).toContain(TITLE[c.lang]);
      expect(own[0]?.text).toContain(SAYS[c.lang].estimate);
    }
    // English falls back to... English was written; French was not: Spanish it is.
    const fr = must(customers.find((c) => c.lang === 'fr'));
    expect(mailsTo(mails, fr.email)[0]?.text).toContain('Unas obras han cortado el cable troncal.');
    // The agents hear of the outsider only; the outsider gets the plain acknowledgement.
    expect(mailsTo(mails, agent.email).map((m) => m.subject)).toEqual([
      expect.stringContaining('No tengo internet'),
    ]);
    expect(mailsTo(mails, outsider.email)[0]?.subject).not.toContain(SAYS.es.outage);

    const queue = await agentQueue(t.db, {}, { limit: 100, ticketPrefix: 'IZL' });
    expect(queue.rows.map((r) => r.id)).toEqual([outsiderTicket]);
    const ofIncident = await agentQueue(
      t.db,
      { majorIncidents: incidentId },
      { limit: 100, ticketPrefix: 'IZL' },
    );
    expect(ofIncident.rows).toHaveLength(50);
  });

  it('mails a public update once to each requester, in her language, and an internal one to nobody', async () => {
    const later = new Date(Date.now() + 5 * 3600_000);
    const r = await postIncidentUpdate(t.app, agent.actor, incidentId, {
      body: {
        es: 'Los técnicos ya están empalmando la fibra.',
        en: 'Technicians are splicing the fibre.',
        fr: 'Les techniciens ressoudent la fibre.',
      },
      public: true,
      estimatedEndAt: later,
    });
    expect(r.notified).toBe(50);
    await postIncidentUpdate(t.app, agent.actor, incidentId, { body: { es: 'Nota interna' }, public: false });
    const mails = await w.sent();
    expect(mails).toHaveLength(50);
    for (const c of customers) {
      const own = mailsTo(mails, c.email);
      expect(own, c.email).toHaveLength(1);
      expect(own[0]?.text).toContain({ es: 'empalmando', en: 'splicing', fr: 'ressoudent' }[c.lang]);
    }
    expect(must(await t.db('major_incidents').where({ id: incidentId }).first()).estimated_end_at).toEqual(
      later,
    );
  });

  it('resolves every linked ticket exactly once, even when the job dies after its first batch', async () => {
    await resolveIncident(t.app, agent.actor, incidentId, {
      es: 'Fibra empalmada: el servicio está restablecido.',
      en: 'The fibre is spliced: service is restored.',
    });
    await expect(
      resolveLinkedTickets(t.app, incidentId, {
        batchSize: 20,
        onBatch: () => {
          throw new Error('worker killed');
        },
      }),
    ).rejects.toThrow('worker killed');
    const linked = () => t.db('tickets').where({ major_incident_id: incidentId });
    expect((await linked()).filter((x) => x.status === 'resolved')).toHaveLength(20);
    expect(await resolveLinkedTickets(t.app, incidentId, { batchSize: 20 })).toEqual({
      resolved: 30,
      unlinked: 0,
    });
    expect(await resolveLinkedTickets(t.app, incidentId)).toEqual({ resolved: 0, unlinked: 0 });
    expect((await linked()).every((x) => x.status === 'resolved')).toBe(true);

    const mails = await w.sent();
    expect(mails).toHaveLength(50);
    for (const c of customers) {
      const own = mailsTo(mails, c.email);
      expect(own, c.email).toHaveLength(1);
      expect(own[0]?.text).toContain(
        c.lang === 'en' ? 'service is restored' : 'el servicio está restablecido',
      );
      expect(own[0]?.html).toContain('?choice=refuse');
    }
    const solutions = await t.db('ticket_events').where({ kind: 'solution' });
    expect(solutions).toHaveLength(50);

    const inc = must(await t.db('major_incidents').where({ id: incidentId }).first());
    expect(inc).toMatchObject({
      status: 'resolved',
      tickets_linked: 50,
      customers_affected: 50,
      services_affected: 50,
    });
  });

  it('a customer who refuses reopens only her ticket, and it leaves the incident', async () => {
    const c = must(customers[0]);
    const mine = must(await t.db('tickets').where({ requester_id: c.id }).first());
    await refuseSolution(t.app, c.actor, mine.id, { body: 'Sigo sin conexión.' });
    const after = must(await t.db('tickets').where({ id: mine.id }).first());
    expect(after).toMatchObject({ status: 'in_progress', major_incident_id: null });
    expect(await t.db('tickets').where({ major_incident_id: incidentId, status: 'resolved' })).toHaveLength(
      49,
    );
    await w.sent();
  });
});

describe('the network attributes of services', () => {
  it('are imported by CSV: new services with them, known ones updated, a bad technology refused', async () => {
    const company = must(
      await t
        .db('companies')
        .where({ id: must(outsider.companyId ?? undefined) })
        .first(),
    );
    const existing = must(await t.db('services').where({ company_id: company.id }).first());
    const csv = [
      'company;name;circuit_id;zone;access_node;technology;postcode',
      `${company.name};Fibra nave 2;FTTH-NEW-1;VLL-Norte;OLT-03;FTTH;47010`,
      `${company.name};${existing.name};${existing.circuit_id};VLL-Este;OLT-09;radio;47012`,
      `${company.name};Línea rara;X-1;VLL-Norte;;fax;`,
    ].join('\n');
    const report = await importCsv(t.app, admin.actor, 'services', csv);
    expect(report).toMatchObject({ total: 3, imported: 2 });
    expect(report.rejected).toEqual([expect.objectContaining({ line: 4, field: 'technology' })]);
    expect(await t.db('services').where({ circuit_id: 'FTTH-NEW-1' }).first()).toMatchObject({
      zone: 'VLL-Norte',
      access_node: 'OLT-03',
      technology: 'ftth',
      postcode: '47010',
    });
    expect(await t.db('services').where({ id: existing.id }).first()).toMatchObject({
      zone: 'VLL-Este',
      technology: 'radio',
    });
  });

  it('are edited by admins only', async () => {
    const id = must(outsider.serviceIds[0]);
    await expect(updateServiceNetwork(t.app, agent.actor, id, { zone: 'X' })).rejects.toMatchObject({
      code: 'forbidden',
    });
  });
});

describe('the resolve job on the workers', { timeout: 60_000 }, () => {
  it('resolves the linked tickets once it is queued, and mails each solution once', async () => {
    const u = await makeUser(t.app, 'customer', { language: 'fr' });
    await inZone(u, 'Zone-Job');
    const id = await declareIncident(t.app, agent.actor, {
      title: { es: 'Nodo caído' },
      description: { es: 'El nodo no responde.' },
      scope: { zones: ['Zone-Job'] },
      public: true,
    });
    const { ticketId } = await openTicket(t.app, u.actor, {
      draft: {
        type: 'incident',
        category: 'slowness',
        urgency: 'medium',
        serviceId: must(u.serviceIds[0]),
        title: 'Lent',
        description: 'Très lent.',
      },
    });
    const ack = await w.sent();
    expect(mailsTo(ack, u.email)[0]?.text).toContain('Nodo caído');
    await resolveIncident(t.app, agent.actor, id, { es: 'Nodo reiniciado.', fr: 'Nœud redémarré.' });
    const jobs = await startJobs(w.s);
    try {
      await queueIncidentResolve(w.s, id);
      await queueIncidentResolve(w.s, id);
      await waitUntil(
        'the job to resolve the ticket',
        async () => (await t.db('tickets').where({ id: ticketId }).first())?.status === 'resolved',
      );
    } finally {
      await jobs.stop();
    }
    const mails = mailsTo(await w.sent(), u.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toContain('Nœud redémarré.');
  });
});
