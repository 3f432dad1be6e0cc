import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOutbox } from '../../src/app/outbox.js';
import { createWebhookEndpoint, updateWebhookEndpoint } from '../../src/app/webhooks/endpoints.js';
import { formatReference } from '../../src/domain/reference.js';
import { verifyWebhookSignature } from '../../src/domain/webhooks.js';
import { startOutbound } from '../../src/outbound/index.js';
import { startWebhooks } from '../../src/outbound/webhooks.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { waitUntil } from '../helpers/poll.js';
import { useTestServices } from '../helpers/services.js';
import { parse, startCapturingSmtp, toAddress } from '../helpers/smtp.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

/** The receiver: records every POST, answers what the test says for its path (200 by default). */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}
const received: Received[] = [];
const answers = new Map<string, () => number>();
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const path = req.url ?? '';
    const status = answers.get(path)?.() ?? 200;
    received.push({
      path,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      answered: status,
    });
    res.writeHead(status, { 'content-type': 'text/plain' }).end('thanks');
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

const t = await useTestDb();
const smtp = await startCapturingSmtp();
const s = await useTestServices(t, {
  SMTP_URL: smtp.url,
  SUPPORT_ADDRESS: 'support@izarlink.test',
  SMTP_MAX_PER_SECOND: '500',
});
const TUNING = { sweepMs: 200, staleMs: 1000, retryBaseMs: 300, attempts: 8, timeoutMs: 2000 };
const outbound = await startOutbound(s, { sweepMs: 200, staleMs: 1500, retryBaseMs: 200, attempts: 4 });
let webhooks = await startWebhooks(s, TUNING);
afterAll(async () => {
  await webhooks.stop();
  await outbound.stop();
  await smtp.close();
  await new Promise<void>((resolve) => {
    receiver.close(() => resolve());
    receiver.closeAllConnections();
  });
});

let admin: TestUser;
let customer: TestUser;
beforeAll(async () => {
  admin = await makeUser(s.app, 'admin');
  customer = await makeUser(s.app, 'customer');
});

const endpoint = (path: string, events: string[]) =>
  createWebhookEndpoint(s.app, admin.actor, { url: `${base}${path}`, events, active: true }, s.config.SECRET);

/** Disables a test's endpoint so the next tests' events do not reach it. */
const retire = async (id: number, path: string) => {
  await updateWebhookEndpoint(s.app, admin.actor, id, {
    url: `${base}${path}`,
    events: ['ticket.created'],
    active: false,
  });
};

/** A match or header that must be there. */
function found<T>(v: T | null | undefined): T {
  if (v === null || v === undefined) throw new Error('expected a value, found none');
  return v;
}

const deliveriesOf = (endpointId: number) =>
  s.db('webhook_deliveries').where({ endpoint_id: endpointId }).orderBy('id');
const at = (path: string) => received.filter((r) => r.path === path);
const allFannedOut = () =>
  waitUntil(
    'every outbox row fanned out',
    async () => Number((await s.db('outbox').whereNull('webhooks_at').count({ n: '*' }))[0]?.n) === 0,
  );

describe('webhooks', () => {
  it('POSTs the event signed as documented, with its headers and payload', async () => {
    const { id, secret } = await endpoint('/signed', ['ticket.created']);
    const ticketId = await makeTicket(s.app, customer, 'Signed delivery');
    const r = await waitUntil('the signed POST', () => at('/signed')[0]);
    const sig = String(r.headers['izardesk-signature']);
    const m = found(/^t=(\d+),v1=([0-9a-f]{64})$/.exec(sig));
    // The algorithm of docs/webhooks.md, computed here independently of the product's code.
    expect(m[2]).toBe(createHmac('sha256', secret).update(`${m[1]}.${r.body}`).digest('hex'));
    const now = Math.floor(Date.now() / 1000);
    expect(Math.abs(now - Number(m[1]))).toBeLessThan(60);
    expect(verifyWebhookSignature(secret, sig, r.body, now)).toBe(true);
    expect(verifyWebhookSignature(secret, sig, r.body, Number(m[1]) + 301)).toBe(false);
    expect(verifyWebhookSignature(secret, sig, r.body.replace('Signed', 'Forged'), now)).toBe(false);
    expect(verifyWebhookSignature('whsec_another', sig, r.body, now)).toBe(false);

    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['izardesk-event']).toBe('ticket.created');
    const body = JSON.parse(r.body);
    expect(body).toMatchObject({
      event: 'ticket.created',
      ticket: {
        id: ticketId,
        reference: formatReference(s.config.TICKET_PREFIX, ticketId),
        title: 'Signed delivery',
        requester_id: customer.id,
      },
      actor: { id: customer.id, role: 'customer' },
    });
    expect(Number.isNaN(Date.parse(body.occurred_at))).toBe(false);
    const [d] = await deliveriesOf(id);
    expect(r.headers['izardesk-delivery']).toBe(String(must(d).id));
    const done = await waitUntil('the delivery recorded', async () => {
      const [row] = await deliveriesOf(id);
      return row?.status === 'delivered' && row;
    });
    expect(done).toMatchObject({ response_code: 200, attempts: 1, event: 'ticket.created', body: r.body });
    await retire(id, '/signed');
  });

  it('a receiver outage and a worker restart meanwhile: each event is delivered once', async () => {
    let down = true;
    answers.set('/flaky', () => (down ? 503 : 200));
    const { id } = await endpoint('/flaky', ['ticket.created']);
    const tickets = [
      await makeTicket(s.app, customer, 'Outage one'),
      await makeTicket(s.app, customer, 'Outage two'),
    ];
    await waitUntil('two refused attempts of each event', async () => {
      const rows = await deliveriesOf(id);
      return rows.length === 2 && rows.every((r) => r.status === 'pending' && r.attempts >= 2);
    });
    const streak = must(await s.db('webhook_endpoints').where({ id }).first());
    expect(streak.failing_since).not.toBeNull();
    // The worker goes away with retries pending in the queue; a new one takes over while the relay re-enqueues.
    await webhooks.stop();
    webhooks = await startWebhooks(s, TUNING);
    down = false;
    const rows = await waitUntil('both delivered', async () => {
      const all = await deliveriesOf(id);
      return all.every((r) => r.status === 'delivered') && all;
    });
    expect(rows).toHaveLength(2);
    await webhooks.drain();
    const accepted = at('/flaky').filter((r) => r.answered === 200);
    expect(accepted.map((r) => JSON.parse(r.body).ticket.id).sort()).toEqual([...tickets].sort());
    expect(accepted.map((r) => r.headers['izardesk-delivery']).sort()).toEqual(
      rows.map((r) => String(r.id)).sort(),
    );
    // Every attempt of a delivery carried the same body and delivery id.
    for (const row of rows) {
      const attempts = at('/flaky').filter((r) => r.headers['izardesk-delivery'] === String(row.id));
      expect(attempts.length).toBe(row.attempts);
      expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
      expect(attempts.filter((a) => a.answered === 503).length).toBeGreaterThanOrEqual(2);
    }
    expect(must(await s.db('webhook_endpoints').where({ id }).first()).failing_since).toBeNull();
    await retire(id, '/flaky');
  });

  it('an endpoint failing for WEBHOOK_DISABLE_AFTER_DAYS is disabled and the admins are mailed', async () => {
    answers.set('/gone', () => 500);
    const { id } = await endpoint('/gone', ['ticket.created']);
    // Failing for four days already (WEBHOOK_DISABLE_AFTER_DAYS is 3): its next failure disables it.
    await s
      .db('webhook_endpoints')
      .where({ id })
      .update({ failing_since: new Date(Date.now() - 4 * 24 * 3600 * 1000) });
    await makeTicket(s.app, customer, 'Nobody listens');
    const e = await waitUntil('the endpoint disabled', async () => {
      const row = await s.db('webhook_endpoints').where({ id }).first();
      return row && !row.active && row;
    });
    expect(e.disabled_at).not.toBeNull();
    const [d] = await deliveriesOf(id);
    expect(d).toMatchObject({
      status: 'failed',
      response_code: 500,
      attempts: 1,
      error: 'HTTP 500 Internal Server Error',
    });
    const mail = await waitUntil('the admins mail', async () => {
      const mails = await Promise.all(smtp.messages.map(parse));
      return mails.find((m) => toAddress(m) === admin.email && m.subject?.startsWith('Webhook'));
    });
    expect(mail.subject).toBe(`Webhook desactivado: ${base}/gone`);
    expect(mail.text).toContain(`/agent/admin/webhooks/${id}`);
    // Later events are not sent to it.
    const calls = at('/gone').length;
    await makeTicket(s.app, customer, 'Still nobody');
    await allFannedOut();
    expect(await deliveriesOf(id)).toHaveLength(1);
    expect(at('/gone')).toHaveLength(calls);
  });

  it('an event whose transaction rolled back is never delivered', async () => {
    const { id } = await endpoint('/committed', ['ticket.created']);
    const before = await makeTicket(s.app, customer, 'Committed before');
    await expect(
      s.db.transaction(async (trx) => {
        await writeOutbox(trx, [
          {
            event: 'ticket.created',
            ticketId: before,
            actorId: customer.id,
            payload: { source: 'rolled-back' },
          },
        ]);
        throw new Error('the change fails after writing its outbox row');
      }),
    ).rejects.toThrow('the change fails');
    const after = await makeTicket(s.app, customer, 'Committed after');
    await allFannedOut();
    const rows = await waitUntil('the committed events delivered', async () => {
      const all = await deliveriesOf(id);
      return all.length === 2 && all.every((r) => r.status === 'delivered') && all;
    });
    expect(rows).toHaveLength(2);
    const bodies = at('/committed').map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.ticket.id).sort()).toEqual([before, after].sort());
    expect(bodies.some((b) => b.data.source === 'rolled-back')).toBe(false);
    await retire(id, '/committed');
  });

  it('admin pages: create (secret shown once), test event, delivery log, rotate, refusals', async () => {
    const web = new WebClient(await startTestWeb(s));
    await web.login(admin.email);
    const list = await web.get('/agent/admin/webhooks');
    expect(list.status).toBe(200);
    // The header's one Administración link is lit on every admin page; the hub links here.
    expect(list.text).toContain('href="/agent/admin" aria-current="page"');
    expect((await web.get('/agent/admin')).text).toContain('href="/agent/admin/webhooks"');
    const bad = await web.post('/agent/admin/webhooks', {
      url: 'ftp://example.test/x',
      events: 'ticket.closed',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('http:// o https://');

    const created = await web.post('/agent/admin/webhooks', { url: `${base}/web`, events: 'ticket.closed' });
    expect(created.status).toBe(303);
    const path = found(created.location);
    const id = Number(found(/\/agent\/admin\/webhooks\/(\d+)$/.exec(path))[1]);
    const first = await web.get(path);
    const secret = found(/whsec_[A-Za-z0-9_-]{43}/.exec(first.text))[0];
    expect((await web.get(path)).text).not.toContain('whsec_');
    expect(must(await s.db('webhook_endpoints').where({ id }).first()).secret).not.toContain(secret);

    expect((await web.post(`${path}/test`, {})).status).toBe(303);
    const r = await waitUntil('the test event', () => at('/web')[0]);
    expect(r.headers['izardesk-event']).toBe('webhook.test');
    expect(JSON.parse(r.body)).toMatchObject({
      event: 'webhook.test',
      ticket: null,
      data: { endpoint_id: id },
    });
    expect(
      verifyWebhookSignature(
        secret,
        String(r.headers['izardesk-signature']),
        r.body,
        Math.floor(Date.now() / 1000),
      ),
    ).toBe(true);
    await waitUntil('the test delivered', async () => (await deliveriesOf(id))[0]?.status === 'delivered');
    const log = await web.get(path);
    expect(log.text).toContain('<code>webhook.test</code>');
    expect(log.text).toContain('<td>200</td>');

    const rotated = await web.post(`${path}/rotate`, {});
    expect(rotated.status).toBe(303);
    const fresh = found(/whsec_[A-Za-z0-9_-]{43}/.exec((await web.get(path)).text))[0];
    expect(fresh).not.toBe(secret);

    const off = await web.post(path, { url: `${base}/web`, events: 'ticket.closed' });
    expect(off.status).toBe(303);
    expect(must(await s.db('webhook_endpoints').where({ id }).first()).active).toBe(false);
    expect((await web.get(path)).text).not.toContain(`action="${path}/test"`);

    const agent = await makeUser(s.app, 'agent');
    const staff = new WebClient(web.base);
    await staff.login(agent.email);
    expect((await staff.get('/agent/admin/webhooks')).status).toBe(403);
  });
});
