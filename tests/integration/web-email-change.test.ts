import type { ParsedMail } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { startOutbound } from '../../src/outbound/index.js';
import { must, useTestDb } from '../helpers/db.js';
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

const linkIn = (m: ParsedMail | undefined, path: string): string => {
  const found = new RegExp(`https?://[^/\\s]+(${path}/[a-z0-9.]+)`).exec(m?.text ?? '')?.[1];
  if (!found) throw new Error(`no ${path} link in ${m?.text}`);
  return found;
};
const emailOf = async (id: number): Promise<string> =>
  String(must(await t.db('users').where({ id }).first('email')).email);

/** One moment on the victim's session: the attacker asks for her address to become his. */
async function attackerAsksForChange(victim: WebClient, evil: string): Promise<string> {
  await victim.get('/profile');
  const res = await victim.post('/profile/main', {
    name: 'Hola, WIN A PRIZE at http://prize.example',
    email: evil,
    phone: '',
  });
  expect(res.status).toBe(303);
  const sent = await mails();
  expect(sent.map(toAddress)).toEqual([evil]);
  // Nothing the requester wrote reaches an address that has not been confirmed.
  expect(sent[0]?.text).not.toContain('PRIZE');
  expect(sent[0]?.html).not.toContain('PRIZE');
  return linkIn(sent[0], '/profile/email/confirm');
}

describe('email change link (account takeover)', () => {
  it('a GET of the link only asks; the POST applies once and tells the old address, with a working undo', async () => {
    const u = await makeUser(s.app, 'customer');
    const victim = new WebClient(base);
    await victim.login(u.email);
    const link = await attackerAsksForChange(victim, 'evil-1@attacker.example');

    const attacker = new WebClient(base);
    const ask = await attacker.get(link);
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('evil-1@attacker.example');
    expect(ask.text).toContain(`action="${link}"`);
    expect(await emailOf(u.id)).toBe(u.email);

    const applied = await attacker.post(link, {});
    expect(applied.status).toBe(200);
    expect(await emailOf(u.id)).toBe('evil-1@attacker.example');
    // A second use does nothing.
    expect((await attacker.get(link)).status).toBe(404);
    expect((await attacker.post(link, {})).status).toBe(404);

    const notice = await mails();
    expect(notice.map(toAddress)).toEqual([u.email]);
    expect(notice[0]?.text).toContain('evil-1@attacker.example');
    const undo = linkIn(notice[0], '/profile/email/undo');

    // The attacker takes the account over: signs in with a reset to his address.
    const owner = new WebClient(base);
    expect((await owner.get(undo)).status).toBe(200);
    expect(await emailOf(u.id)).toBe('evil-1@attacker.example');
    const undone = await owner.post(undo, {});
    expect(undone.status).toBe(200);
    expect(await emailOf(u.id)).toBe(u.email);
    expect(await t.db('sessions').where({ user_id: u.id })).toHaveLength(0);
    expect((await victim.get('/profile')).status).toBe(302);
    expect((await owner.post(undo, {})).status).toBe(404);
    expect(await mails()).toEqual([]);
  });

  it('a link mailed before a password change no longer works after it', async () => {
    const u = await makeUser(s.app, 'customer');
    const victim = new WebClient(base);
    await victim.login(u.email);
    const link = await attackerAsksForChange(victim, 'evil-2@attacker.example');
    const attacker = new WebClient(base);
    expect((await attacker.get(link)).status).toBe(200);
    await victim.get('/profile?tab=password');
    const changed = await victim.post('/profile/password', {
      current: 'correct-horse-42',
      password: 'a-fresh-secret-9',
      confirm: 'a-fresh-secret-9',
    });
    expect(changed.status).toBe(303);
    const post = await attacker.post(link, {});
    expect(post.status).toBe(404);
    expect((await attacker.get(link)).status).toBe(404);
    expect(await emailOf(u.id)).toBe(u.email);
    expect(await mails()).toEqual([]);
  });

  it('a link dies once another change of address was applied', async () => {
    const u = await makeUser(s.app, 'customer');
    const c = new WebClient(base);
    await c.login(u.email);
    const first = await attackerAsksForChange(c, 'first@example.test');
    const second = await attackerAsksForChange(c, 'second@example.test');
    await c.get(second);
    expect((await c.post(second, {})).location).toBe('/profile');
    expect((await mails()).map(toAddress)).toEqual([u.email]);
    await c.get('/profile');
    expect((await c.post(first, {})).status).toBe(404);
    expect(await emailOf(u.id)).toBe('second@example.test');
  });
});
