import { beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/app/accounts/create-user.js';
import { verifyPassword } from '../../src/app/accounts/passwords.js';
import { must, type TestDb, useTestDb } from '../helpers/db.js';
import { makeUser, type TestUser } from '../helpers/fixtures.js';
import { refusedWithoutWriting } from '../helpers/refusal.js';

let t: TestDb;
let agent: TestUser;
let admin: TestUser;
let customer: TestUser;
const system = { kind: 'system' } as const;

beforeAll(async () => {
  t = await useTestDb();
  agent = await makeUser(t.app, 'agent');
  admin = await makeUser(t.app, 'admin');
  customer = await makeUser(t.app, 'customer');
});

const TABLES = ['users', 'companies', 'outbox'];
const refused = (fn: () => Promise<unknown>) => refusedWithoutWriting(t.db, TABLES, fn);

describe('createUser', () => {
  it('generates a password that must be changed at first login, and shows it once', async () => {
    const r = await createUser(t.app, agent.actor, {
      email: '  Lucia.Martin@ACME.example ',
      name: ' Lucía Martín ',
      role: 'customer',
      companyName: 'ACME Logística',
      phone: '+34 600 000 000',
      language: 'fr',
    });
    expect(r.generatedPassword).toMatch(/^[A-Za-z2-9]{14}$/);
    const u = must(await t.db('users').where({ id: r.userId }).first());
    expect(u).toMatchObject({
      email: 'lucia.martin@acme.example',
      name: 'Lucía Martín',
      role: 'customer',
      phone: '+34 600 000 000',
      language: 'fr',
      must_change_password: true,
    });
    expect(u.password_hash).not.toContain(r.generatedPassword);
    expect(await verifyPassword(u.password_hash!, r.generatedPassword as string)).toBe(true);
    const company = must(await t.db('companies').where({ id: u.company_id! }).first());
    expect(company.name).toBe('ACME Logística');
    expect(await t.db('outbox').whereRaw("payload->>'userId' = ?", [String(r.userId)])).toHaveLength(0);
  });

  it('keeps a given password (no forced change) and reuses a company by name', async () => {
    const a = await createUser(t.app, system, {
      email: 'a@acme2.example',
      name: 'A',
      role: 'customer',
      companyName: 'ACME Dos',
      password: 'una-clave-segura-1',
    });
    const b = await createUser(t.app, system, {
      email: 'b@acme2.example',
      name: 'B',
      role: 'customer',
      companyName: ' ACME Dos ',
    });
    expect(a.generatedPassword).toBeNull();
    const [ua, ub] = await Promise.all([
      t.db('users').where({ id: a.userId }).first(),
      t.db('users').where({ id: b.userId }).first(),
    ]);
    expect(ua!.must_change_password).toBe(false);
    expect(await verifyPassword(ua!.password_hash!, 'una-clave-segura-1')).toBe(true);
    expect(ua!.company_id).toBe(ub!.company_id);
  });

  it('an invitation writes the user and its account.invited outbox row together, and shows no password', async () => {
    const r = await createUser(t.app, admin.actor, {
      email: 'nuevo.agente@izarlink.example',
      name: 'Nuevo Agente',
      role: 'agent',
      invite: true,
    });
    expect(r.generatedPassword).toBeNull();
    expect(must(await t.db('users').where({ id: r.userId }).first()).must_change_password).toBe(true);
    const rows = await t
      .db('outbox')
      .where({ event: 'account.invited' })
      .whereRaw("payload->>'userId' = ?", [String(r.userId)]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_id: admin.id, ticket_id: null, payload: { userId: r.userId } });
  });

  it('two creations of one address at the same time: one account, the other a conflict', async () => {
    const input = { email: 'race@example.test', name: 'R', role: 'agent' as const };
    const results = await Promise.allSettled([1, 2, 3].map(() => createUser(t.app, system, input)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected')
        expect(r.reason).toMatchObject({ code: 'conflict', fields: { email: 'validation.emailTaken' } });
    expect(await t.db('users').where({ email: 'race@example.test' })).toHaveLength(1);
  });

  it('refuses a company that does not exist', async () => {
    const e = await refused(() =>
      createUser(t.app, system, {
        email: 'nc@example.test',
        name: 'N',
        role: 'customer',
        companyId: 999_999,
      }),
    );
    expect(e).toMatchObject({ code: 'invalid', fields: { company: 'validation.companyRequired' } });
  });

  it('refuses a taken address, whatever its case', async () => {
    await createUser(t.app, system, { email: 'dup@example.test', name: 'D', role: 'agent' });
    const e = await refused(() =>
      createUser(t.app, system, { email: 'DUP@Example.test', name: 'E', role: 'agent' }),
    );
    expect(e).toMatchObject({ code: 'conflict', fields: { email: 'validation.emailTaken' } });
  });

  it('refuses bad input with every field error', async () => {
    const e = await refused(() =>
      createUser(t.app, system, { email: 'not-an-address', name: ' ', role: 'customer', password: 'short' }),
    );
    expect(e.code).toBe('invalid');
    expect(e.fields).toEqual({
      email: 'validation.emailInvalid',
      name: 'validation.nameRequired',
      password: 'validation.passwordTooShort',
      company: 'validation.companyRequired',
    });
    const digits = await refused(() =>
      createUser(t.app, system, { email: 'x@y.example', name: 'X', role: 'agent', password: 'abcdefghijkl' }),
    );
    expect(digits.fields).toEqual({ password: 'validation.passwordNeedsLetterAndDigit' });
  });

  it('only staff create accounts; only admins create staff', async () => {
    const input = { email: 'c@d.example', name: 'C', role: 'customer' as const, companyName: 'X' };
    expect((await refused(() => createUser(t.app, customer.actor, input))).code).toBe('forbidden');
    expect((await refused(() => createUser(t.app, agent.actor, { ...input, role: 'agent' }))).code).toBe(
      'forbidden',
    );
    expect((await refused(() => createUser(t.app, agent.actor, { ...input, role: 'admin' }))).code).toBe(
      'forbidden',
    );
    await expect(createUser(t.app, admin.actor, { ...input, role: 'admin' })).resolves.toMatchObject({
      generatedPassword: expect.any(String),
    });
  });
});
