import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useTestDb } from '../helpers/db.js';
import { makeUser, TEST_PASSWORD, type TestUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

const t = await useTestDb();
/** Default configuration: no trusted proxy, so X-Forwarded-For is the client's own words. */
const direct = await useTestServices(t);
const directBase = await startTestWeb(direct);
/** Behind a proxy on this machine: the address it saw is the client's. */
const proxied = await useTestServices(t, { TRUSTED_PROXIES: 'loopback' });
const proxiedBase = await startTestWeb(proxied);

/** A client whose every request carries the given X-Forwarded-For (as a proxy, or an attacker, would send). */
function from(base: string, forwardedFor: string): WebClient {
  const c = new WebClient(base);
  c.headers = { 'x-forwarded-for': forwardedFor };
  return c;
}

async function failLogin(c: WebClient, email: string, password = 'wrong-password-1'): Promise<number> {
  await c.get('/login');
  return (await c.post('/login', { email, password })).status;
}

describe('login limits', () => {
  let victim: TestUser;
  beforeAll(async () => {
    victim = await makeUser(t.app, 'customer');
  });

  it('ignores X-Forwarded-For from a client that is not a trusted proxy: the per-address limit holds', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const c = from(directBase, `10.9.${i}.1`);
      statuses.push(await failLogin(c, `nobody-${i}@example.test`));
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses[20]).toBe(429);
  });

  it('does not believe X-Forwarded-Proto from a client either (no Secure cookie over plain HTTP)', async () => {
    const res = await fetch(`${directBase}/login`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(res.headers.getSetCookie().length).toBeGreaterThan(0);
    for (const c of res.headers.getSetCookie()) expect(c).not.toMatch(/;\s*secure/i);
    const behind = await fetch(`${proxiedBase}/login`, { headers: { 'x-forwarded-proto': 'https' } });
    for (const c of behind.headers.getSetCookie()) expect(c).toMatch(/;\s*secure/i);
  });

  it('an attacker cannot lock the owner out: his address waits, growing; the owner signs in from hers', async () => {
    const warn = vi.spyOn(proxied.logger, 'warn');
    const attacker = from(proxiedBase, '203.0.113.7');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push(await failLogin(attacker, victim.email));
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    // Writing another address to the left of what the proxy saw changes nothing.
    const spoofing = from(proxiedBase, '198.51.100.99, 203.0.113.7');
    const refused = await spoofing
      .get('/login')
      .then(() => spoofing.post('/login', { email: victim.email, password: TEST_PASSWORD }));
    expect(refused.status).toBe(429);
    expect(refused.text).toMatch(/Vuelva a intentarlo dentro de 1 min/);
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ account: victim.email, ip: '203.0.113.7', failuresFromIp: 5 }),
      'repeated failed sign-ins',
    );

    // The wait grows with each failure after it ends (the end of the wait is simulated).
    await clearWaits();
    expect(await failLogin(attacker, victim.email)).toBe(429);
    const again = await attacker.post('/login', { email: victim.email, password: 'wrong-password-1' });
    expect(again.text).toMatch(/dentro de 2 min/);

    const owner = from(proxiedBase, '198.51.100.2');
    await owner.get('/login');
    const ok = await owner.post('/login', { email: victim.email, password: TEST_PASSWORD });
    expect(ok.status).toBe(303);
  });

  it('an account failed from many addresses slows every failing address at once, not the owner', async () => {
    const target = await makeUser(t.app, 'customer');
    for (let i = 0; i < 20; i++)
      expect(await failLogin(from(proxiedBase, `192.0.2.${i + 1}`), target.email)).toBe(401);
    expect(await failLogin(from(proxiedBase, '192.0.2.100'), target.email)).toBe(429);
    const owner = from(proxiedBase, '198.51.100.3');
    await owner.get('/login');
    expect((await owner.post('/login', { email: target.email, password: TEST_PASSWORD })).status).toBe(303);

    const agent = await makeUser(t.app, 'agent');
    const staff = new WebClient(proxiedBase);
    await staff.login(agent.email);
    const page = await staff.get(`/agent/users/${target.id}`);
    expect(page.text).toContain('21 inicios de sesión fallidos en esta cuenta en las últimas 24 horas');
  });
});

async function clearWaits(): Promise<void> {
  const keys = await proxied.redis.keys(`${proxied.config.REDIS_PREFIX}:login:wait:*`);
  if (keys.length) await proxied.redis.del(...keys);
}
