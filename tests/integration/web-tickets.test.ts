import { beforeAll, describe, expect, it } from 'vitest';
import { approvalToken } from '../../src/app/links.js';
import { close, resolve } from '../../src/app/tickets/lifecycle.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

const t = await useTestDb();
const s = await useTestServices(t);
const base = await startTestWeb(s);
const MB2 = 2 * 1024 * 1024;

describe('customer ticket pages', () => {
  let alice: TestUser;
  let bob: TestUser;
  let agent: TestUser;
  let c: WebClient;
  beforeAll(async () => {
    alice = await makeUser(t.app, 'customer');
    bob = await makeUser(t.app, 'customer');
    agent = await makeUser(t.app, 'agent');
    c = new WebClient(base);
    await c.login(alice.email);
  });

  const incident = (over: Record<string, string> = {}) => ({
    type: 'incident',
    serviceId: String(alice.serviceIds[0]),
    category: 'slowness',
    urgency: 'high',
    title: 'Slow line',
    description: 'Speed is 2 Mbps instead of 300.',
    ...over,
  });

  it('lands on the new ticket form with the customer own services', async () => {
    const res = await c.get('/');
    expect(res.location).toBe('/tickets/new');
    const form = await c.get('/tickets/new');
    const services = await t.db('services').where({ company_id: alice.companyId! });
    expect(form.text).toContain(services[0].name);
    expect(form.text).toContain('data-show-for="incident"');
    expect(form.text).toContain('Pérdida de paquetes');
  });

  it('keeps what was typed and says what to fix when the title is missing', async () => {
    await c.get('/tickets/new');
    const res = await c.postMultipart(
      '/tickets/new',
      incident({ title: '', description: 'Keep <me> typed' }),
    );
    expect(res.status).toBe(422);
    expect(res.text).toContain('El título es obligatorio.');
    expect(res.text).toContain('Keep &lt;me&gt; typed</textarea>');
    expect(res.text).toMatch(/value="high"[^>]*checked/);
    expect(await t.db('tickets').count<{ count: number }[]>('* as count')).toEqual([{ count: 0 }]);
  });

  it('refuses an urgency on a request', async () => {
    const res = await c.postMultipart('/tickets/new', incident({ type: 'request', category: 'technical' }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('La urgencia solo se indica para incidencias.');
  });

  it('refuses a 2 MB + 1 byte file with the limit and keeps every field', async () => {
    await c.get('/tickets/new');
    const res = await c.postMultipart('/tickets/new', incident({ title: 'Big file case' }), {
      field: 'attachment',
      name: 'capture.pcap',
      type: 'application/octet-stream',
      data: Buffer.alloc(MB2 + 1, 1),
    });
    expect(res.status).toBe(413);
    expect(res.text).toContain('El archivo supera el límite de 2 MB.');
    expect(res.text).toContain('value="Big file case"');
    expect(res.text).toContain('Speed is 2 Mbps instead of 300.</textarea>');
    expect(await t.db('tickets').where({ title: 'Big file case' })).toHaveLength(0);
  });

  it('answers an upload far over the limit with a 413 page that names the limit', async () => {
    await c.get('/tickets/new');
    const res = await c.postMultipart('/tickets/new', incident({ title: 'Huge file' }), {
      field: 'attachment',
      name: 'dump.bin',
      type: 'application/octet-stream',
      data: Buffer.alloc(5 * MB2, 3),
    });
    expect(res.status).toBe(413);
    expect(res.text).toContain('El archivo supera el límite de 2 MB.');
    expect(await t.db('tickets').where({ title: 'Huge file' })).toHaveLength(0);
  });

  it('opens an incident with an attachment of exactly 2 MB, and a request without urgency', async () => {
    await c.get('/tickets/new');
    const res = await c.postMultipart('/tickets/new', incident({ title: 'Exactly at the limit' }), {
      field: 'attachment',
      name: 'señal €.png',
      type: 'image/png',
      data: Buffer.alloc(MB2, 2),
    });
    expect(res.status).toBe(303);
    const id = Number(res.location?.split('/').pop());
    const page = await c.get(`/tickets/${id}`);
    expect(page.text).toContain('Ticket IZL-');
    expect(page.text).toContain('señal €.png');
    const row = await t.db('tickets').where({ id }).first();
    expect(row).toMatchObject({ type: 'incident', urgency: 'high', requester_id: alice.id, source: 'web' });

    await c.get('/tickets/new');
    const req = await c.postMultipart('/tickets/new', {
      type: 'request',
      serviceId: String(alice.serviceIds[0]),
      category: 'administrative.billing',
      title: 'Invoice copy',
      description: 'Please send the October invoice.',
    });
    expect(req.status).toBe(303);
    const r = await t.db('tickets').where({ title: 'Invoice copy' }).first();
    expect(r).toMatchObject({ type: 'request', urgency: null });
  });

  it('shows a script tag in title and description as text', async () => {
    await c.get('/tickets/new');
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const res = await c.postMultipart('/tickets/new', incident({ title: evil, description: evil }));
    const page = await c.get(res.location as string);
    expect(page.text).not.toContain('<script>alert(1)');
    expect(page.text).not.toContain('<img src=x');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    const list = await c.get('/tickets');
    expect(list.text).not.toContain('<script>alert(1)');
    expect(list.text).toContain('&lt;script&gt;alert(1)');
  });

  it('answers 404 for another customer ticket and attachment, whatever the id', async () => {
    const bobTicket = await makeTicket(t.app, bob, 'Bob private');
    const bobClient = new WebClient(base);
    await bobClient.login(bob.email);
    await bobClient.get(`/tickets/${bobTicket}?tab=followup`);
    const up = await bobClient.postMultipart(
      `/tickets/${bobTicket}/followups`,
      { body: 'log' },
      {
        field: 'document',
        name: 'log.txt',
        type: 'text/plain',
        data: Buffer.from('secret log'),
      },
    );
    expect(up.status).toBe(303);
    const att = must(await t.db('attachments').where({ ticket_id: bobTicket }).first());
    for (const path of [
      `/tickets/${bobTicket}`,
      `/tickets/${bobTicket}?tab=followup`,
      `/tickets/${bobTicket}/attachments/${att.id}`,
      `/tickets/999999/attachments/${att!.id}`,
      '/tickets/99999999',
      '/tickets/abc',
      `/tickets/${bobTicket}/attachments/not-a-uuid`,
    ]) {
      const res = await c.get(path);
      expect(res.status, path).toBe(404);
      expect(res.text).not.toContain('Bob private');
    }
    await c.get('/tickets');
    const post = await c.postMultipart(`/tickets/${bobTicket}/followups`, { body: 'intrusion' });
    expect(post.status).toBe(404);
    expect((await c.get(`/tickets?q=Bob`)).text).not.toContain('Bob private');
  });

  it('serves attachments as downloads with a safe name, nosniff and a sandbox CSP', async () => {
    const att = await t
      .db('attachments as a')
      .join('tickets as t', 't.id', 'a.ticket_id')
      .where('t.requester_id', alice.id)
      .first('a.id', 'a.ticket_id');
    const res = await fetch(`${base}/tickets/${att.ticket_id}/attachments/${att.id}`, {
      headers: { cookie: (c as unknown as { cookieHeader(): string }).cookieHeader() },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="se_al _.png"; filename*=UTF-8''se%C3%B1al%20%E2%82%AC.png`,
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect((await res.arrayBuffer()).byteLength).toBe(MB2);
  });

  it('refuses a file on a closed ticket and keeps the comment', async () => {
    const id = await makeTicket(t.app, alice, 'Will be closed');
    await close(t.app, agent.actor, id);
    await c.get(`/tickets/${id}?tab=followup`);
    const res = await c.postMultipart(
      `/tickets/${id}/followups`,
      { body: 'one more thing' },
      {
        field: 'document',
        name: 'late.pdf',
        type: 'application/pdf',
        data: Buffer.from('%PDF-1.4'),
      },
    );
    expect(res.status).toBe(409);
    expect(res.text).toContain('El ticket está cerrado');
    expect(await t.db('followups').where({ ticket_id: id })).toHaveLength(0);
  });

  it('filters by status (open = not closed) and searches by reference and title words', async () => {
    const open = await c.get('/tickets?status=open');
    expect(open.text).toContain('Exactly at the limit');
    expect(open.text).not.toContain('Will be closed');
    const closed = await c.get('/tickets?status=closed');
    expect(closed.text).toContain('Will be closed');
    expect(closed.text).not.toContain('Invoice copy');
    const row = must(await t.db('tickets').where({ title: 'Invoice copy' }).first());
    const byRef = await c.get(`/tickets?q=IZL-${String(row.id).padStart(6, '0')}`);
    expect(byRef.text).toContain('Invoice copy');
    expect(byRef.text).not.toContain('Exactly at the limit');
    const byWords = await c.get('/tickets?q=invoice%20COPY');
    expect(byWords.text).toContain('Invoice copy');
    expect(byWords.text).not.toContain('Exactly at the limit');
  });

  it('pages with a keyset cursor without gaps or repeats', async () => {
    const carol = await makeUser(t.app, 'customer');
    for (let i = 0; i < 23; i++) await makeTicket(t.app, carol, `Carol ticket ${i}`);
    await t.db('users').where({ id: carol.id }).update({ page_size: 10 });
    const cc = new WebClient(base);
    await cc.login(carol.email);
    const seen: string[] = [];
    let path: string | null = '/tickets';
    let lastPage = path;
    while (path) {
      const res = await cc.get(path);
      lastPage = path;
      seen.push(...[...res.text.matchAll(/>Carol ticket (\d+)</g)].map((m) => m[1] as string));
      const next = /rel="next" href="([^"]+)"/.exec(res.text)?.[1];
      path = next ? next.replace(/&amp;/g, '&') : null;
    }
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
    expect(seen[0]).toBe('22');
    // And back: from the last page, "Previous" links walk up to the first page, which has none.
    const back: string[][] = [];
    path = lastPage;
    while (path) {
      const res = await cc.get(path);
      back.push([...res.text.matchAll(/>Carol ticket (\d+)</g)].map((m) => m[1] as string));
      const prev = /rel="prev" href="([^"]+)"/.exec(res.text)?.[1];
      path = prev ? prev.replace(/&amp;/g, '&') : null;
    }
    expect(back.map((p) => p.length)).toEqual([3, 10, 10]);
    expect(back.reverse().flat()).toEqual(seen);
  });

  it('shows a company manager the company tickets, and a plain colleague only their own', async () => {
    const boss = await makeUser(t.app, 'customer', { companyId: alice.companyId as number, manager: true });
    const colleague = await makeUser(t.app, 'customer', { companyId: alice.companyId as number });
    const bc = new WebClient(base);
    await bc.login(boss.email);
    expect((await bc.get('/tickets')).text).toContain('Exactly at the limit');
    const cc = new WebClient(base);
    await cc.login(colleague.email);
    expect((await cc.get('/tickets')).text).not.toContain('Exactly at the limit');
    const id = must(await t.db('tickets').where({ title: 'Exactly at the limit' }).first()).id;
    expect((await cc.get(`/tickets/${id}`)).status).toBe(404);
  });

  it('approves a solution (closed) and refuses one (reopened, reason required) from the ticket page', async () => {
    const a = await makeTicket(t.app, alice, 'To approve');
    const b = await makeTicket(t.app, alice, 'To refuse');
    await resolve(t.app, agent.actor, a, { body: 'Router replaced.' });
    await resolve(t.app, agent.actor, b, { body: 'Rebooted.' });
    await t.db('followups').insert({
      ticket_id: b,
      author_id: agent.id,
      kind: 'note',
      visibility: 'private',
      body: 'INTERNAL-NOTE',
    });
    const page = await c.get(`/tickets/${a}`);
    expect(page.text).toContain('Router replaced.');
    expect(page.text).toContain('Aprobar la solución');
    const ok = await c.post(`/tickets/${a}/approve`, { approve_comment: 'Works now' });
    expect(ok.status).toBe(303);
    expect(must(await t.db('tickets').where({ id: a }).first()).status).toBe('closed');

    await c.get(`/tickets/${b}`);
    const noReason = await c.post(`/tickets/${b}/refuse`, { comment: '' });
    expect(noReason.status).toBe(422);
    expect(noReason.text).toContain('Explique por qué rechaza la solución.');
    const refused = await c.post(`/tickets/${b}/refuse`, { comment: 'Still down' });
    expect(refused.status).toBe(303);
    const row = must(await t.db('tickets').where({ id: b }).first());
    expect(row.status).toBe('in_progress');
    const timeline = await c.get(`/tickets/${b}`);
    expect(timeline.text).toContain('Still down');
    expect(timeline.text).toContain('Solución rechazada');
    expect(timeline.text).not.toContain('INTERNAL-NOTE');
  });

  it('approval link: GET only asks, POST acts as the token user without a password', async () => {
    const id = await makeTicket(t.app, alice, 'By mail link');
    await resolve(t.app, agent.actor, id, { body: 'Fixed upstream.' });
    const { resolved_at } = must(await t.db('tickets').where({ id }).first('resolved_at'));
    const token = approvalToken(s.config.SECRET, id, alice.id, resolved_at!);
    const anon = new WebClient(base);
    const get = await anon.get(`/approve/${token}`);
    expect(get.status).toBe(200);
    expect(get.text).toContain('Fixed upstream.');
    expect(must(await t.db('tickets').where({ id }).first()).status).toBe('resolved');
    expect((await anon.post(`/approve/${token}`, { decision: 'approve' }, null)).status).toBe(403);
    const post = await anon.post(`/approve/${token}`, { decision: 'approve', comment: 'Thanks' });
    expect(post.status).toBe(200);
    expect(post.text).toContain('Solución aprobada');
    expect(must(await t.db('tickets').where({ id }).first()).status).toBe('closed');
    expect((await anon.get(`/approve/${token}x`)).status).toBe(404);
    const forged = approvalToken('another-secret-another-secret-000000', id, alice.id, resolved_at!);
    expect((await anon.get(`/approve/${forged}`)).status).toBe(404);
  });
});
