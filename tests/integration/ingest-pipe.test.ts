import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../helpers/db.js';
import { useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { buildMail } from '../helpers/imap.js';

const run = promisify(execFile);
// Made at load time: a cleanup hook registered from inside beforeAll would never run.
const t: TestDb = await useTestDb();
let customer: TestUser;

async function cli(args: string[], stdin?: string): Promise<string> {
  const child = run(process.execPath, ['bin/izardesk.js', 'ingest', ...args], {
    env: {
      ...process.env,
      DATABASE_URL: t.url,
      SECRET: 'test-secret-test-secret-test-secret-0123',
      LOG_LEVEL: 'error',
    },
  });
  if (stdin !== undefined) {
    child.child.stdin?.end(stdin);
  }
  return (await child).stdout;
}

beforeAll(async () => {
  customer = await makeUser(t.app, 'customer');
});

// Each case spawns the CLI (a few seconds each on a busy machine).
describe('izardesk ingest (pipe mode)', { timeout: 120_000 }, () => {
  it('--dry-run --json tells what would happen and writes nothing', async () => {
    const ticketId = await makeTicket(t.app, customer);
    const mail = buildMail({
      from: customer.email,
      subject: `Re: [IZL-${String(ticketId).padStart(6, '0')}] x`,
      text: 'Ahora va lento.\n\nEl lun, 23 nov 2026, Soporte escribió:\n> Hola',
      messageId: '<pipe1@example.test>',
      attachments: [{ name: 'big.bin', size: 2 * 1024 * 1024 + 1 }],
    });
    const out = JSON.parse(await cli(['--stdin', '--dry-run', '--json'], mail));
    expect(out).toMatchObject({
      action: 'followup',
      reason: { code: 'matched_by_subject' },
      ticket: `IZL-${String(ticketId).padStart(6, '0')}`,
      sender: { address: customer.email, role: 'customer' },
      text: 'Ahora va lento.',
      attachments: [{ name: 'big.bin', size: 2 * 1024 * 1024 + 1, accepted: false }],
      dryRun: true,
    });
    expect(await t.db('inbound_mails').first()).toBeUndefined();
    expect(await t.db('followups').first()).toBeUndefined();
  });

  it('--stdin without --dry-run does it, and a second delivery is a duplicate', async () => {
    const mail = buildMail({
      from: customer.email,
      subject: 'Corte total',
      messageId: '<pipe2@example.test>',
    });
    const first = JSON.parse(await cli(['--stdin', '--json'], mail));
    expect(first).toMatchObject({ action: 'new_ticket', sender: { role: 'customer' }, dryRun: false });
    expect(first.ticket).toMatch(/^IZL-\d{6}$/);
    const again = JSON.parse(await cli(['--stdin', '--json'], mail));
    expect(again).toMatchObject({ action: 'ignored', reason: { code: 'duplicate' }, ticket: first.ticket });
    expect((await t.db('tickets').where({ title: 'Corte total' })).length).toBe(1);
  });
});
