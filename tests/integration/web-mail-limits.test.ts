import { afterAll, describe, expect, it } from 'vitest';
import { startOutbound } from '../../src/outbound/index.js';
import { useTestDb } from '../helpers/db.js';
import { makeUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { mailCollector, startCapturingSmtp, toAddress } from '../helpers/smtp.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

const t = await useTestDb();
const smtp = await startCapturingSmtp();
const s = await useTestServices(t, { SMTP_URL: smtp.url, SMTP_MAX_PER_SECOND: '500' });
const outbound = await startOutbound(s, { sweepMs: 300, retryBaseMs: 100 });
afterAll(async () => {
  await outbound.stop();
  await smtp.close();
});
const base = await startTestWeb(s);
const mails = mailCollector(s.db, smtp);
const withoutTokens = (page: string) => page.replace(/value="[^"]+"/g, '');

describe('mail flooding', () => {
  it('50 password-reset requests for one address in a second send 3 mails, with the same page each time', async () => {
    const u = await makeUser(t.app, 'customer');
    const c = new WebClient(base);
    await c.get('/password/forgot');
    const pages = await Promise.all(
      Array.from({ length: 50 }, () => c.post('/password/forgot', { email: u.email })),
    );
    expect(new Set(pages.map((p) => p.status))).toEqual(new Set([200]));
    expect(new Set(pages.map((p) => withoutTokens(p.text))).size).toBe(1);
    const sent = await mails();
    expect(sent.map(toAddress)).toEqual([u.email, u.email, u.email]);
  });

  it('one client address cannot mail a list of accounts without limit either', async () => {
    const users = await Promise.all(Array.from({ length: 12 }, () => makeUser(t.app, 'customer')));
    const c = new WebClient(base);
    await c.get('/password/forgot');
    for (const u of users) expect((await c.post('/password/forgot', { email: u.email })).status).toBe(200);
    // The first test's 50 requests came from this address too: its allowance (10 an hour) is spent.
    expect(await mails()).toEqual([]);
  });

  it('a customer cannot send a third party unlimited confirmations, nor a greeting of her own', async () => {
    const u = await makeUser(t.app, 'customer');
    const c = new WebClient(base);
    await c.login(u.email);
    await c.get('/profile');
    const answers: (string | null)[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await c.post('/profile/main', {
        name: 'Hola, WIN A PRIZE at http://prize.example',
        email: 'victim@third.example',
        phone: '',
      });
      answers.push(res.location);
      answers.push((await c.get('/profile')).text.includes('victim@third.example') ? 'pending shown' : null);
    }
    expect(answers).toEqual(Array(6).fill(['/profile?tab=main', 'pending shown']).flat());
    const sent = await mails();
    expect(sent.map(toAddress)).toEqual(Array(3).fill('victim@third.example'));
    for (const m of sent) {
      expect(m.text).not.toMatch(/PRIZE|prize\.example/);
      expect(typeof m.html === 'string' ? m.html : '').not.toMatch(/PRIZE|prize\.example/);
    }
  });

  it('nor spread them over many addresses', async () => {
    const u = await makeUser(t.app, 'customer');
    const c = new WebClient(base);
    await c.login(u.email);
    await c.get('/profile');
    for (let i = 0; i < 5; i++)
      expect(
        (await c.post('/profile/main', { name: 'Ana', email: `target-${i}@third.example`, phone: '' }))
          .status,
      ).toBe(303);
    expect((await mails()).map(toAddress)).toEqual([0, 1, 2].map((i) => `target-${i}@third.example`));
  });
});
