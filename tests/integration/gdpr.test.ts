import { createHash, randomBytes } from 'node:crypto';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markBounced } from '../../src/app/accounts/bounces.js';
import { createUser } from '../../src/app/accounts/create-user.js';
import { actorOf } from '../../src/app/actor.js';
import { createCompany, createService } from '../../src/app/agent/companies.js';
import { eraseCustomer } from '../../src/app/gdpr/erase-customer.js';
import { exportCustomerData } from '../../src/app/gdpr/export-customer.js';
import { purgeOldRawMail } from '../../src/app/gdpr/raw-mail-retention.js';
import { addFollowup } from '../../src/app/tickets/add-followup.js';
import { resolve } from '../../src/app/tickets/lifecycle.js';
import { openTicket } from '../../src/app/tickets/open-ticket.js';
import type { Db } from '../../src/db/db.js';
import { formatReference } from '../../src/domain/reference.js';
import type { Actor } from '../../src/domain/ticket-status.js';
import { ingestMessage } from '../../src/ingest/process-message.js';
import { startOutbound } from '../../src/outbound/index.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeUser, type TestUser } from '../helpers/fixtures.js';
import { buildMail } from '../helpers/imap.js';
import { useTestServices } from '../helpers/services.js';
import { mailCollector, startCapturingSmtp } from '../helpers/smtp.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

const NAME = 'Zoraida Quintanilla';
const EMAIL = 'zoraida.quintanilla@correo-zq.test';
const PHONE = '+34 611 222 333';
/** What must be nowhere after the erasure: her name (and each part of it), her address, her phone. */
const NEEDLES = ['zoraida', 'quintanilla', EMAIL, '611 222 333', '611222333'];

const t = await useTestDb();
const smtp = await startCapturingSmtp();
const s = await useTestServices(t, { SMTP_URL: smtp.url, SMTP_MAX_PER_SECOND: '500' });
const outbound = await startOutbound(s, { sweepMs: 300, retryBaseMs: 100 });
const base = await startTestWeb(s);
const settle = mailCollector(s.db, smtp);
afterAll(async () => {
  await outbound.stop();
  await smtp.close();
});

let admin: TestUser;
let agent: TestUser;
let zoraida: { id: number; actor: Actor };
let theirTickets: number[];
let neighbourTicket: number;

const file = (filename: string, contentType: string) => ({ filename, contentType, data: randomBytes(3000) });
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Every text, JSON, array, search vector and byte column of every table, searched for the needles. */
async function personalDataLeft(db: Db): Promise<string[]> {
  const { rows: columns } = await db.raw<{
    rows: { table_name: string; column_name: string; data_type: string }[];
  }>(
    `select c.table_name, c.column_name, c.data_type
       from information_schema.columns c
       join information_schema.tables tb on tb.table_schema = c.table_schema and tb.table_name = c.table_name
      where c.table_schema = 'public' and tb.table_type = 'BASE TABLE'
        and c.data_type in ('text', 'character varying', 'jsonb', 'json', 'bytea', 'tsvector', 'ARRAY')`,
  );
  expect(columns.map((c) => `${c.table_name}.${c.column_name}`)).toEqual(
    expect.arrayContaining(['users.name', 'inbound_mails.raw', 'attachments.data', 'audit_log.details']),
  );
  const found: string[] = [];
  for (const c of columns) {
    // Bytes as Postgres gives them back (it undoes its lz4 compression on read): the stored mail or file.
    const { rows } = await db.raw<{ rows: { v: string | Buffer }[] }>(
      c.data_type === 'bytea'
        ? `select "${c.column_name}" as v from "${c.table_name}" where "${c.column_name}" is not null`
        : `select "${c.column_name}"::text as v from "${c.table_name}" where "${c.column_name}" is not null`,
    );
    for (const { v } of rows) {
      const text = (typeof v === 'string' ? v : v.toString('latin1')).toLowerCase();
      for (const needle of NEEDLES)
        if (text.includes(needle)) found.push(`${c.table_name}.${c.column_name}: ${needle}`);
    }
  }
  return [...new Set(found)];
}

beforeAll(async () => {
  admin = await makeUser(s.app, 'admin');
  agent = await makeUser(s.app, 'agent');
  // A sole trader: her company bears her name.
  const companyId = await createCompany(s.app, admin.actor, { name: `${NAME} (autónoma)` });
  const serviceId = await createService(s.app, admin.actor, companyId, {
    name: 'Fibra 300',
    circuitId: 'FTTH-ZQ',
  });
  const { userId } = await createUser(s.app, admin.actor, {
    email: EMAIL,
    name: NAME,
    role: 'customer',
    companyId,
    phone: PHONE,
    invite: true,
  });
  zoraida = { id: userId, actor: actorOf(must(await t.db('users').where({ id: userId }).first())) };
  const { ticketId: first } = await openTicket(s.app, zoraida.actor, {
    draft: {
      type: 'incident',
      category: 'total_outage',
      urgency: 'high',
      serviceId,
      title: `Sin conexión en casa de ${NAME}`,
      description: `No hay línea. Llamadme al ${PHONE}.`,
    },
    files: [file('router.jpg', 'image/jpeg')],
  });
  await addFollowup(s.app, zoraida.actor, {
    ticketId: first,
    body: 'Adjunto otra foto. Zoraida',
    files: [file('luces.png', 'image/png')],
  });
  await addFollowup(s.app, agent.actor, {
    ticketId: first,
    body: 'Hola Zoraida, la llamamos al 611222333 mañana.',
  });
  await addFollowup(s.app, agent.actor, {
    ticketId: first,
    body: `${NAME} (${EMAIL}) confirma que el router parpadea.`,
    visibility: 'private',
  });
  await resolve(s.app, agent.actor, first, { body: `Técnico enviado. Gracias, ${NAME}.` });
  const raw = buildMail({
    from: `${NAME} <${EMAIL}>`,
    subject: 'Otra avería de Zoraida',
    text: `Soy ${NAME}, mi teléfono es ${PHONE}. Tampoco va la tele.`,
    attachments: [{ name: 'captura.png', size: 2000, type: 'image/png' }],
  });
  const report = await ingestMessage(
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
  expect(report.action).toBe('new_ticket');
  // A neighbour's ticket that names her.
  const neighbour = await makeUser(s.app, 'customer');
  ({ ticketId: neighbourTicket } = await openTicket(s.app, neighbour.actor, {
    draft: {
      type: 'incident',
      category: 'total_outage',
      urgency: 'high',
      serviceId: neighbour.serviceIds[0] ?? null,
      title: 'Sin línea en el portal 3',
      description: `Mi vecina ${NAME} tampoco tiene línea.`,
    },
  }));
  await settle();
  expect(await t.db('deliveries').whereRaw('lower(recipient) = ?', [EMAIL])).not.toHaveLength(0);
  await markBounced(s.app, { email: EMAIL, reason: `550 5.1.1 <${EMAIL}>: user unknown`, ticketId: first });
  theirTickets = (await t.db('tickets').where({ requester_id: userId }).orderBy('id').select('id')).map(
    (r) => r.id,
  );
  expect(theirTickets).toHaveLength(2);
}, 60_000);

describe('export of a customer’s data', () => {
  it('is a ZIP with every ticket, follow-up, mail record, attachment and raw mail of hers', async () => {
    const { stream, filename } = await exportCustomerData(s.app, admin.actor, zoraida.id);
    expect(filename).toBe(`izardesk-user-${zoraida.id}.zip`);
    const zip = unzipSync(new Uint8Array(Buffer.concat(await stream.toArray())));
    const json = (path: string) => JSON.parse(new TextDecoder().decode(must(zip[path])));

    expect(json('profile.json').user).toMatchObject({ id: zoraida.id, email: EMAIL, phone: PHONE });
    expect(json('profile.json').user).not.toHaveProperty('password_hash');
    expect(json('profile.json').company.name).toBe(`${NAME} (autónoma)`);
    expect(json('profile.json').services.map((x: { circuit_id: string }) => x.circuit_id)).toEqual([
      'FTTH-ZQ',
    ]);

    const tickets: { reference: string; ticket: { id: number }; followups: unknown[]; history: unknown[] }[] =
      json('tickets.json');
    expect(tickets.map((x) => x.ticket.id)).toEqual(theirTickets);
    expect(tickets.map((x) => x.reference)).toEqual(theirTickets.map((id) => formatReference('IZL', id)));
    for (const x of tickets) {
      expect(x.followups).toHaveLength(
        Number((await t.db('followups').where({ ticket_id: x.ticket.id }).count({ n: '*' }))[0]?.n),
      );
      expect(x.history).toHaveLength(
        Number((await t.db('ticket_events').where({ ticket_id: x.ticket.id }).count({ n: '*' }))[0]?.n),
      );
    }

    const attachments = await t
      .db('attachments')
      .whereIn('ticket_id', theirTickets)
      .select('id', 'sha256', 'filename');
    expect(attachments.map((a) => a.filename).sort()).toEqual(['captura.png', 'luces.png', 'router.jpg']);
    for (const a of attachments) {
      const path = Object.keys(zip).find((p) => p.startsWith('attachments/') && p.includes(a.id));
      expect(path, a.filename).toBeDefined();
      expect(sha256(must(zip[must(path)]))).toBe(a.sha256);
    }

    const received: { id: number; file?: string }[] = json('mails-received.json');
    const inbound = await t
      .db('inbound_mails')
      .whereRaw('lower(from_address) = ?', [EMAIL])
      .orderBy('id')
      .select('id', 'raw');
    expect(inbound).toHaveLength(1);
    expect(received.map((m) => m.id)).toEqual(inbound.map((m) => m.id));
    for (const m of inbound)
      expect(Buffer.from(must(zip[`mails/${m.id}.eml`])).equals(m.raw ?? Buffer.alloc(0))).toBe(true);
    const sent: { id: number }[] = json('mails-sent.json');
    const deliveries = await t
      .db('deliveries')
      .where({ user_id: zoraida.id })
      .orWhereRaw('lower(recipient) = ?', [EMAIL])
      .orderBy('id')
      .select('id');
    expect(deliveries).not.toHaveLength(0);
    expect(sent.map((d) => d.id)).toEqual(deliveries.map((d) => d.id));

    expect(
      await t.db('audit_log').where({ action: 'gdpr.export', target_id: String(zoraida.id) }),
    ).toHaveLength(1);
  });

  it('is downloaded from her page by an admin', async () => {
    const c = new WebClient(base);
    await c.login(admin.email);
    const page = await c.get(`/agent/users/${zoraida.id}`);
    expect(page.text).toContain(`/agent/users/${zoraida.id}/export`);
    const res = await fetch(`${base}/agent/users/${zoraida.id}/export`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: c.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: c.csrf }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toContain(`izardesk-user-${zoraida.id}.zip`);
    const zip = unzipSync(new Uint8Array(await res.arrayBuffer()));
    expect(Object.keys(zip)).toContain('tickets.json');
    const audit = must(
      await t.db('audit_log').where({ action: 'gdpr.export' }).orderBy('id', 'desc').first(),
    );
    expect(audit).toMatchObject({ actor_id: admin.id, target_type: 'user', target_id: String(zoraida.id) });
    expect(audit.client_address).toBeTruthy();
  });
});

describe('only admins export or erase', () => {
  it('agents are refused by the use cases and the pages; they do not see the buttons', async () => {
    await expect(exportCustomerData(s.app, agent.actor, zoraida.id)).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(
      eraseCustomer(s.app, agent.actor, zoraida.id, { confirmEmail: EMAIL }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
    const c = new WebClient(base);
    await c.login(agent.email);
    expect((await c.get(`/agent/users/${zoraida.id}`)).text).not.toContain('/export');
    expect((await c.post(`/agent/users/${zoraida.id}/export`, {})).status).toBe(403);
    expect((await c.get(`/agent/users/${zoraida.id}/erase`)).status).toBe(403);
    expect((await c.post(`/agent/users/${zoraida.id}/erase`, { confirmEmail: EMAIL })).status).toBe(403);
    expect((await c.get('/agent/admin/audit')).status).toBe(403);
    expect(must(await t.db('users').where({ id: zoraida.id }).first()).email).toBe(EMAIL);
  });

  it('staff accounts are not erased this way', async () => {
    await expect(
      eraseCustomer(s.app, admin.actor, agent.id, { confirmEmail: agent.email }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
  });
});

describe('erasure of a customer', () => {
  it('asks for her address, then leaves nothing of her in any table while her tickets stay', async () => {
    const before = await t
      .db('tickets')
      .whereIn('id', theirTickets)
      .orderBy('id')
      .select('id', 'status', 'type', 'created_at');
    // The search does see her before: in her account, texts, mail bytes, payloads and search vectors.
    expect((await personalDataLeft(t.db)).map((f) => f.split(':')[0])).toEqual(
      expect.arrayContaining([
        'users.email',
        'users.phone',
        'companies.name',
        'tickets.title',
        'tickets.search',
        'followups.body',
        'ticket_events.data',
        'inbound_mails.raw',
        'inbound_mails.from_address',
        'deliveries.recipient',
      ]),
    );
    const c = new WebClient(base);
    await c.login(admin.email);
    expect((await c.get(`/agent/users/${zoraida.id}/erase`)).status).toBe(200);
    const wrong = await c.post(`/agent/users/${zoraida.id}/erase`, { confirmEmail: 'otra@correo-zq.test' });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('La dirección no coincide');
    expect(must(await t.db('users').where({ id: zoraida.id }).first()).name).toBe(NAME);

    const done = await c.post(`/agent/users/${zoraida.id}/erase`, {
      confirmEmail: ` ${EMAIL.toUpperCase()} `,
    });
    expect(done.status).toBe(303);
    expect((await c.get(done.location ?? '')).text).toContain('Datos personales borrados: 2 tickets');

    expect(await personalDataLeft(t.db)).toEqual([]);
    // No file lives outside Postgres: attachments are rows (storage_key is never set).
    expect(await t.db('attachments').whereNotNull('storage_key')).toEqual([]);

    const u = must(await t.db('users').where({ id: zoraida.id }).first());
    expect(u).toMatchObject({
      name: `Usuario eliminado #${zoraida.id}`,
      email: `erased-${zoraida.id}@erased.invalid`,
      phone: null,
      password_hash: null,
      active: false,
    });
    expect(
      await t
        .db('tickets')
        .whereIn('id', theirTickets)
        .orderBy('id')
        .select('id', 'status', 'type', 'created_at'),
    ).toEqual(before);
    expect(await t.db('attachments').whereIn('ticket_id', theirTickets)).toEqual([]);
    expect(await t.db('inbound_mails').whereIn('ticket_id', theirTickets).whereNotNull('raw')).toEqual([]);
    const neighbour = must(await t.db('tickets').where({ id: neighbourTicket }).first());
    expect(neighbour.description).toBe('Mi vecina [eliminado] tampoco tiene línea.');
    const audit = must(await t.db('audit_log').where({ action: 'gdpr.erase' }).first());
    expect(audit).toMatchObject({ actor_id: admin.id, target_type: 'user', target_id: String(zoraida.id) });
    expect(audit.details).toMatchObject({ tickets: 2, attachments: 3 });

    await expect(
      eraseCustomer(s.app, admin.actor, zoraida.id, { confirmEmail: u.email }),
    ).rejects.toMatchObject({ code: 'conflict' });
  });
});

describe('raw mail retention', () => {
  it('deletes only the bytes of mail older than the limit, and keeps held mail and every record', async () => {
    const day = 86_400_000;
    const now = new Date();
    const mail = async (ageDays: number, held = false) =>
      (
        await t
          .db('inbound_mails')
          .insert({
            mailbox: 'INBOX',
            message_id: `<${randomBytes(6).toString('hex')}@retention.test>`,
            from_address: 'someone@retention.test',
            subject: 'Hola',
            outcome: held ? 'rejected' : 'new_ticket',
            quarantine_state: held ? 'held' : null,
            raw: Buffer.from('Subject: Hola\r\n\r\nHola\r\n'),
            created_at: new Date(now.getTime() - ageDays * day),
          })
          .returning('id')
      )[0].id as number;
    const old = await mail(40);
    const recent = await mail(10);
    const oldHeld = await mail(40, true);
    expect(await purgeOldRawMail(s.app, 30, now)).toEqual({ purged: 1 });
    const raw = async (id: number) => must(await t.db('inbound_mails').where({ id }).first()).raw;
    expect(await raw(old)).toBeNull();
    expect(await raw(recent)).not.toBeNull();
    expect(await raw(oldHeld)).not.toBeNull();
    expect(must(await t.db('inbound_mails').where({ id: old }).first()).subject).toBe('Hola');
    expect(must(await t.db('audit_log').where({ action: 'mail.raw_purged' }).first())).toMatchObject({
      actor_id: null,
      details: { purged: 1, days: 30 },
    });
    expect(await purgeOldRawMail(s.app, 30, now)).toEqual({ purged: 0 });
  });
});
