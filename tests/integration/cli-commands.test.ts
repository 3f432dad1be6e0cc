import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyPassword } from '../../src/app/accounts/passwords.js';
import { createDb } from '../../src/db/db.js';
import { izardesk, startIzardesk } from '../helpers/cli.js';
import { must, type TestDb, testRedisPrefix, useTestDb } from '../helpers/db.js';
import { adminUrl, dbUrl } from '../helpers/pg-urls.js';

let t: TestDb;
let env: Record<string, string>;

beforeAll(async () => {
  t = await useTestDb();
  env = { DATABASE_URL: t.url, REDIS_PREFIX: testRedisPrefix(), NODE_ENV: 'test' };
});

describe.concurrent('izardesk user', { timeout: 150_000 }, () => {
  it('user create prints a generated password that must be changed', async () => {
    const r = await izardesk(
      [
        'user',
        'create',
        '--email',
        'Lucia@ACME.example',
        '--name',
        'Lucía',
        '--role',
        'customer',
        '--company',
        'ACME',
      ],
      env,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const m =
      /^created user (\d+) <Lucia@ACME\.example> \(customer\)\ntemporary password: (\S+) \(must be changed at first login\)\n$/.exec(
        r.stdout,
      );
    expect(m, r.stdout).not.toBeNull();
    const u = must(
      await t
        .db('users')
        .where({ id: Number(m?.[1]) })
        .first(),
    );
    expect(u).toMatchObject({
      email: 'lucia@acme.example',
      role: 'customer',
      must_change_password: true,
      language: 'es',
    });
    expect(await verifyPassword(u.password_hash!, m?.[2] as string)).toBe(true);
    expect(must(await t.db('companies').where({ id: u!.company_id! }).first()).name).toBe('ACME');
  });

  it('user create with --password keeps it and prints none', async () => {
    const r = await izardesk(
      [
        'user',
        'create',
        '--email',
        'ana@izarlink.example',
        '--name',
        'Ana',
        '--role',
        'admin',
        '--password',
        'clave-admin-12',
        '--language',
        'en',
      ],
      env,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('temporary password');
    const u = must(await t.db('users').where({ email: 'ana@izarlink.example' }).first());
    expect(u).toMatchObject({ must_change_password: false, language: 'en', role: 'admin' });
  });

  it('user invite writes an account.invited outbox row and prints no password', async () => {
    const r = await izardesk(
      ['user', 'invite', '--email', 'javier@izarlink.example', '--name', 'Javier', '--role', 'agent'],
      env,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/invitation queued/);
    expect(r.stdout).not.toContain('temporary password');
    const u = must(await t.db('users').where({ email: 'javier@izarlink.example' }).first());
    expect(u.must_change_password).toBe(true);
    const rows = await t
      .db('outbox')
      .where({ event: 'account.invited' })
      .whereRaw("payload->>'userId' = ?", [String(u.id)]);
    expect(rows).toHaveLength(1);
  });

  it('refusals are one translated line naming the option: Spanish by default, else LANG or --lang', async () => {
    const noCompany = ['user', 'create', '--email', 'x@y.example', '--name', 'X', '--role', 'customer'];
    const es = await izardesk(noCompany, env);
    expect(es.code).toBe(1);
    expect(es.stderr).toBe('izardesk: --company: Indique la empresa cliente.\n');
    const en = await izardesk(noCompany, { ...env, LANG: 'en_GB.UTF-8' });
    expect(en.stderr).toBe('izardesk: --company: Give the customer company.\n');
    const fr = await izardesk(['--lang', 'fr', ...noCompany], { ...env, LANG: 'en_GB.UTF-8' });
    expect(fr.stderr).toBe('izardesk: --company: Indiquez la société cliente.\n');
    // Two fields at once, and nothing written.
    const two = await izardesk(
      ['user', 'create', '--email', 'not-an-address', '--name', 'X', '--role', 'customer', '--lang', 'en'],
      env,
    );
    expect(two.stderr).toBe(
      'izardesk: --email: Enter a valid email address. --company: Give the customer company.\n',
    );
    expect(await t.db('users').where({ email: 'x@y.example' }).first()).toBeUndefined();
    await izardesk(['user', 'create', '--email', 'dup@y.example', '--name', 'D', '--role', 'agent'], env);
    const dup = await izardesk(
      ['user', 'create', '--email', 'DUP@y.example', '--name', 'D', '--role', 'agent'],
      env,
    );
    expect(dup.code).toBe(1);
    expect(dup.stderr).toBe('izardesk: --email: Ya existe una cuenta con ese correo.\n');
  });
});

describe('izardesk migrate', { timeout: 150_000 }, () => {
  const name = `izr_${inject('testRun')}_cli_migrate`;
  const admin = createDb(adminUrl(), 1);
  beforeAll(() => admin.raw(`create database ${name}`));
  afterAll(async () => {
    await admin.raw(`drop database if exists ${name} with (force)`);
    await admin.destroy();
  });

  it('migrates an empty database, and a second run is safe and changes nothing', async () => {
    const first = await izardesk(['migrate'], { ...env, DATABASE_URL: dbUrl(name) });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^applied: 20261124_001_initial/);
    const second = await izardesk(['migrate'], { ...env, DATABASE_URL: dbUrl(name) });
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('database is up to date\n');
    const db = createDb(dbUrl(name), 1);
    const rows = await db('knex_migrations').select('name');
    await db.destroy();
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(new Set(rows.map((r: { name: string }) => r.name)).size).toBe(rows.length);
  });
});

/** The health details on the public port are for holders of OPS_TOKEN. */
const OPS_TOKEN = 'cli-ops-token-cli-ops-token';
const asOperator = { headers: { authorization: `Bearer ${OPS_TOKEN}` } };

describe('izardesk serve', { timeout: 150_000 }, () => {
  it('answers /healthz 200 and /readyz 200, both with the state of postgres, redis and imap (off when unconfigured)', async () => {
    const p = startIzardesk(['serve'], { ...env, PORT: '0', LOG_LEVEL: 'info', OPS_TOKEN });
    try {
      const line = await p.waitFor(/web server listening/);
      const port = (JSON.parse(line) as { address: { port: number } }).address.port;
      expect(port).toBeGreaterThan(0);
      // /healthz is 200 while the process lives (issue 7) and shows each dependency (issue 2).
      expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ ok: true });
      const health = await fetch(`http://127.0.0.1:${port}/healthz`, asOperator);
      expect(health.status).toBe(200);
      const alive = (await health.json()) as { ready: boolean; components: Record<string, { ok: boolean }> };
      expect(alive.ready).toBe(true);
      expect(Object.keys(alive.components)).toEqual(expect.arrayContaining(['postgres', 'redis', 'imap']));
      const res = await fetch(`http://127.0.0.1:${port}/readyz`, asOperator);
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        ok: boolean;
        components: Record<string, { ok: boolean; detail?: string }>;
      };
      expect(body.ok).toBe(true);
      expect(body.components.postgres).toEqual({ ok: true });
      expect(body.components.redis).toEqual({ ok: true });
      expect(body.components.imap?.ok).toBe(true);
      expect(body.components.imap?.detail).toMatch(/^off/);
    } finally {
      expect(await p.stop()).toBe(0);
    }
    expect(p.output()).toMatch(/"msg":"stopped"/);
  });

  it('start (web and workers in one process) reports the ingest as off when no mailbox is configured', async () => {
    const p = startIzardesk(['start'], { ...env, PORT: '0', LOG_LEVEL: 'info', OPS_TOKEN });
    try {
      const line = await p.waitFor(/web server listening/);
      const port = (JSON.parse(line) as { address: { port: number } }).address.port;
      const res = await fetch(`http://127.0.0.1:${port}/readyz`, asOperator);
      const body = (await res.json()) as { components: Record<string, { ok: boolean; detail?: string }> };
      expect(res.status).toBe(200);
      expect(Object.keys(body.components)).toEqual(expect.arrayContaining(['postgres', 'redis', 'imap']));
      expect(body.components.imap?.detail).toMatch(/^off/);
    } finally {
      expect(await p.stop()).toBe(0);
    }
  });

  it('a port already in use is one line naming PORT', async () => {
    const p = startIzardesk(['serve'], { ...env, PORT: '0', LOG_LEVEL: 'info' });
    try {
      const line = await p.waitFor(/web server listening/);
      const port = (JSON.parse(line) as { address: { port: number } }).address.port;
      const r = await izardesk(['serve'], { ...env, PORT: String(port) });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(
          `^izardesk: cannot listen on 127\\.0\\.0\\.1:${port} \\(HOST, PORT\\): .*EADDRINUSE.*\\n$`,
        ),
      );
    } finally {
      await p.stop();
    }
  });
});
