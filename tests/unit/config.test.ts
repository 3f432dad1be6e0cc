import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { DEFAULT_CATALOG } from '../../src/domain/catalog.js';

/** The ConfigError message for an environment; fails the test when the environment is accepted. */
function problem(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('configuration', () => {
  it('defaults to local services with nothing set', () => {
    const c = loadConfig({});
    expect(c.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/izardesk');
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:6379/0');
    expect(c.PORT).toBe(3000);
    expect(c.HOST).toBe('127.0.0.1');
    expect(c.PUBLIC_URL).toBe('http://localhost:3000');
    expect(c.NODE_ENV).toBe('development');
    expect(c.DEFAULT_LANGUAGE).toBe('es');
    expect(c.TICKET_PREFIX).toBe('IZL');
    expect(c.SECRET.length).toBeGreaterThanOrEqual(32);
    expect(c.imapEnabled).toBe(false);
    expect(c.SMTP_URL).toBeUndefined();
    expect(c.IMAP_MAILBOXES).toEqual(['INBOX']);
    expect(c.catalog).toEqual(DEFAULT_CATALOG);
  });

  it('treats empty and blank values as unset (a copied .env.example works)', () => {
    const c = loadConfig({ PORT: '', SECRET: '', IMAP_HOST: '  ', SMTP_URL: '' });
    expect(c.PORT).toBe(3000);
    expect(c.imapEnabled).toBe(false);
  });

  it('reads what is set', () => {
    const c = loadConfig({
      PORT: '0',
      IMAP_HOST: 'imap.izarlink.es',
      IMAP_USER: 'soporte',
      IMAP_MAILBOXES: 'INBOX, Soporte ,',
      IMAP_SECURE: 'no',
      SECRET: 's'.repeat(32),
      NODE_ENV: 'production',
      SMTP_MAX_PER_SECOND: '2.5',
    });
    expect(c.PORT).toBe(0);
    expect(c.imapEnabled).toBe(true);
    expect(c.IMAP_SECURE).toBe(false);
    expect(c.IMAP_MAILBOXES).toEqual(['INBOX', 'Soporte']);
    expect(c.SECRET).toBe('s'.repeat(32));
    expect(c.SMTP_MAX_PER_SECOND).toBe(2.5);
  });

  const WRONG: [string, string][] = [
    ['DATABASE_URL', 'mysql://127.0.0.1/izardesk'],
    ['DATABASE_URL', 'not a url'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '3.5'],
    ['PORT', '0x10'],
    ['IMAP_PORT', '0'],
    ['PUBLIC_URL', 'localhost:3000'],
    ['NODE_ENV', 'prod'],
    ['LOG_LEVEL', 'loud'],
    ['TICKET_PREFIX', 'izl'],
    ['DEFAULT_LANGUAGE', 'de'],
    ['BRAND_COLOR', 'blue'],
    ['SUPPORT_ADDRESS', 'support'],
    ['SUBADDRESS_SEPARATOR', '++'],
    ['SMTP_URL', 'http://relay'],
    ['IMAP_SECURE', 'maybe'],
    ['MAIL_UNKNOWN_SENDER', 'ignore'],
    ['AUTO_CLOSE_DAYS', '-2'],
    ['SHUTDOWN_TIMEOUT_MS', '0'],
    ['SECRET', 'too-short'],
    ['DEFAULT_TIME_ZONE', 'Madrid'],
  ];
  it.each(WRONG)('a wrong %s gives one line naming it', (key, value) => {
    const msg = problem({ [key]: value });
    expect(msg.split('\n')).toHaveLength(1);
    expect(msg).toMatch(new RegExp(`^invalid configuration: ${key}: `));
  });

  it('gives one line per wrong variable', () => {
    const lines = problem({ PORT: 'x', REDIS_URL: 'x', LOG_LEVEL: 'x' }).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.split(':')[1]?.trim()).sort()).toEqual(['LOG_LEVEL', 'PORT', 'REDIS_URL']);
  });

  it('never echoes a secret or a password', () => {
    expect(problem({ SECRET: 'hunter2-hunter2' })).not.toContain('hunter2');
    expect(problem({ DATABASE_URL: 'mysql://app:hunter2@db/x' })).not.toContain('hunter2');
  });

  it('requires SECRET in production', () => {
    expect(problem({ NODE_ENV: 'production' })).toBe(
      'invalid configuration: SECRET: required in production (at least 32 characters)',
    );
    expect(loadConfig({ NODE_ENV: 'production', SECRET: 'x'.repeat(32) }).SECRET).toBe('x'.repeat(32));
  });

  it('trusts no proxy by default, and checks TRUSTED_PROXIES', () => {
    expect(loadConfig({}).TRUSTED_PROXIES).toEqual([]);
    expect(loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, loopback' }).TRUSTED_PROXIES).toEqual([
      '10.0.0.0/8',
      'loopback',
    ]);
    expect(problem({ TRUSTED_PROXIES: 'the-proxy' })).toMatch(/^invalid configuration: TRUSTED_PROXIES: /);
  });

  it('requires IMAP_USER with IMAP_HOST', () => {
    expect(problem({ IMAP_HOST: 'imap.example' })).toMatch(/^invalid configuration: IMAP_USER: /);
  });

  it('loads a catalog file, and names CATALOG_FILE when it is wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'izd-cat-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ ...DEFAULT_CATALOG, maxAttachmentBytes: 1000 }));
    expect(loadConfig({ CATALOG_FILE: good }).catalog.maxAttachmentBytes).toBe(1000);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...DEFAULT_CATALOG, defaultEmailType: 'nope' }));
    const zero = join(dir, 'zero.json');
    writeFileSync(zero, JSON.stringify({ ...DEFAULT_CATALOG, maxAttachmentBytes: 0 }));
    expect(problem({ CATALOG_FILE: zero })).toMatch(/CATALOG_FILE: maxAttachmentBytes: /);
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{ types: ');
    for (const file of [bad, zero, notJson, join(dir, 'missing.json')]) {
      const msg = problem({ CATALOG_FILE: file });
      expect(msg.split('\n')).toHaveLength(1);
      expect(msg).toMatch(/^invalid configuration: CATALOG_FILE: /);
    }
  });

  it('takes an IANA time zone for the pages of visitors', () => {
    expect(loadConfig({}).DEFAULT_TIME_ZONE).toBe('Europe/Madrid');
    expect(loadConfig({ DEFAULT_TIME_ZONE: 'Atlantic/Canary' }).DEFAULT_TIME_ZONE).toBe('Atlantic/Canary');
  });
});
