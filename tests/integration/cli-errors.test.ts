import { describe, expect, it } from 'vitest';
import { izardesk } from '../helpers/cli.js';

/** The stderr of a failed start: exactly one line, no stack trace. */
function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('npm warn'));
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0] as string;
}

describe.concurrent('izardesk start-up errors', { timeout: 150_000 }, () => {
  it.each([
    ['nobody listens', 'postgres://postgres@127.0.0.1:1/izardesk', /ECONNREFUSED/],
    [
      'no such database',
      'postgres://postgres@127.0.0.1:5432/izt_does_not_exist',
      /database "izt_does_not_exist" does not exist/,
    ],
    ['no such host', 'postgres://postgres@nohost.invalid:5432/izardesk', /ENOTFOUND|EAI_AGAIN/],
  ])('a wrong DATABASE_URL (%s): exit 1 and one line naming DATABASE_URL', async (_why, url, reason) => {
    const r = await izardesk(['migrate'], { DATABASE_URL: url });
    expect(r.code).toBe(1);
    const line = oneLine(r.stderr);
    expect(line).toMatch(/^izardesk: cannot connect to Postgres \(DATABASE_URL\) at /);
    expect(line).toMatch(reason);
  });

  it('a malformed DATABASE_URL: one line naming it, and its password is not shown', async () => {
    const r = await izardesk(['serve'], { DATABASE_URL: 'mysql://app:s3cr3t@db/izardesk' });
    expect(r.code).toBe(1);
    const line = oneLine(r.stderr);
    expect(line).toMatch(/^izardesk: invalid configuration: DATABASE_URL: /);
    expect(line).not.toContain('s3cr3t');
  });

  it('a password in a wrong DATABASE_URL is masked', async () => {
    const r = await izardesk(['migrate'], { DATABASE_URL: 'postgres://app:s3cr3t@127.0.0.1:1/izardesk' });
    expect(oneLine(r.stderr)).toContain('postgres://app:***@127.0.0.1:1/izardesk');
  });

  it('an unreachable Redis: exit 1 and one line naming REDIS_URL', async () => {
    const r = await izardesk(['serve'], {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      REDIS_URL: 'redis://127.0.0.1:1/0',
    });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(
      /^izardesk: cannot connect to Redis \(REDIS_URL\) at redis:\/\/127\.0\.0\.1:1\/0: .*ECONNREFUSED/,
    );
  });

  it.each(['abc', '70000', '-1', '80.5'])('an invalid PORT (%s): exit 1 and one line', async (port) => {
    const r = await izardesk(['serve'], { PORT: port });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(
      /^izardesk: invalid configuration: PORT: a whole number from 0 to 65535/,
    );
  });

  it('SECRET is required in production', async () => {
    const r = await izardesk(['serve'], { NODE_ENV: 'production' });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/^izardesk: invalid configuration: SECRET: required in production/);
  });

  it.each([
    [[], /a command is missing/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['user'], /a command is missing/],
    [['user', 'create', '--email', 'a@b.example'], /required option '--name <name>' not specified/],
    [['user', 'create', '--email', 'a@b.example', '--name', 'A', '--role', 'boss'], /'boss' is invalid/],
    [['user', 'invite', '--name', 'A', '--role', 'agent'], /required option '--email <email>'/],
    [['migrate', 'now'], /too many arguments/],
    [['serve', '--fast'], /unknown option '--fast'/],
  ])('bad arguments %j: non-zero and one line', async (args, reason) => {
    const r = await izardesk(args);
    expect(r.code).not.toBe(0);
    expect(oneLine(r.stderr)).toMatch(reason);
    expect(r.stdout).toBe('');
  });

  it('--help lists the commands on stdout and exits 0', async () => {
    const r = await izardesk(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['migrate', 'serve', 'worker', 'start', 'demo', 'user'])
      expect(r.stdout).toContain(cmd);
  });
});
