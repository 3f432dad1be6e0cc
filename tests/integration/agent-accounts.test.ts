import { beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/app/accounts/create-user.js';
import { createCompany, createService, updateCompany } from '../../src/app/agent/companies.js';
import { parseCsv } from '../../src/app/agent/csv.js';
import { importCsv } from '../../src/app/agent/csv-import.js';
import { clearBounce, reinviteUser, setUserActive, updateUser } from '../../src/app/agent/users.js';
import { companyDetail, listCompanies } from '../../src/app/queries/agent-accounts.js';
import { must, type TestDb, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';

let t: TestDb;
let admin: TestUser;
let agent: TestUser;
beforeAll(async () => {
  t = await useTestDb();
  admin = await makeUser(t.app, 'admin');
  agent = await makeUser(t.app, 'agent');
});

describe('csv reader', () => {
  it('reads quotes, doubled quotes, semicolons and CRLF with line numbers', () => {
    const rows = parseCsv('\uFEFFname;code\r\n"Acme; S.L.";A1\r\n\r\n"Dos ""B""\nlineas";B2\r\n');
    expect(rows).toEqual([
      { line: 1, fields: ['name', 'code'] },
      { line: 2, fields: ['Acme; S.L.', 'A1'] },
      { line: 4, fields: ['Dos "B"\nlineas', 'B2'] },
    ]);
  });
});

describe('account administration', () => {
  it('creates and edits companies and services; agents may, customers may not', async () => {
    const id = await createCompany(t.app, agent.actor, { name: 'Conservas Izar', code: 'CI-1' });
    await expect(createCompany(t.app, agent.actor, { name: 'Otra', code: 'CI-1' })).rejects.toMatchObject({
      code: 'conflict',
    });
    await updateCompany(t.app, agent.actor, id, { name: 'Conservas Izar S.A.', code: 'CI-1' });
    const sid = await createService(t.app, agent.actor, id, { name: 'Fibra 600', circuitId: 'FTTH-9' });
    const d = await companyDetail(t.db, id);
    expect(d.company.name).toBe('Conservas Izar S.A.');
    expect(d.services.map((s) => s.id)).toEqual([sid]);
    const customer = await makeUser(t.app, 'customer');
    await expect(createCompany(t.app, customer.actor, { name: 'X' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(
      (await listCompanies(t.db, { q: 'conservas', page: 1, pageSize: 10 })).rows.map((r) => r.id),
    ).toEqual([id]);
  });

  it('deactivates a user without losing their tickets, and ends their sessions', async () => {
    const customer = await makeUser(t.app, 'customer');
    const ticketId = await makeTicket(t.app, customer);
    await t
      .db('sessions')
      .insert({ id: 'sess-1', user_id: customer.id, expires_at: new Date(Date.now() + 1e6) });
    await setUserActive(t.app, agent.actor, customer.id, false);
    expect(must(await t.db('users').where({ id: customer.id }).first()).active).toBe(false);
    expect(await t.db('tickets').where({ id: ticketId }).first()).toBeTruthy();
    expect(await t.db('sessions').where({ user_id: customer.id })).toEqual([]);
    await expect(setUserActive(t.app, agent.actor, admin.id, false)).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(setUserActive(t.app, admin.actor, admin.id, false)).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('invites through createUser and again on demand; agents cannot promote to staff', async () => {
    const c = await makeUser(t.app, 'customer');
    const { userId } = await createUser(t.app, agent.actor, {
      email: 'nuevo@example.test',
      name: 'Nuevo',
      role: 'customer',
      companyId: c.companyId,
      invite: true,
    });
    await reinviteUser(t.app, agent.actor, userId);
    expect(
      await t
        .db('outbox')
        .where({ event: 'account.invited' })
        .whereRaw("payload->>'userId' = ?", [String(userId)]),
    ).toHaveLength(2);
    const edit = {
      name: 'Nuevo Nombre',
      email: 'nuevo@example.test',
      language: 'fr',
      role: 'agent' as const,
      companyId: null,
      isCompanyManager: false,
    };
    await expect(updateUser(t.app, agent.actor, userId, edit)).rejects.toMatchObject({ code: 'forbidden' });
    await updateUser(t.app, agent.actor, userId, { ...edit, role: 'customer', companyId: c.companyId });
    expect(must(await t.db('users').where({ id: userId }).first()).language).toBe('fr');
  });
});

describe('refused mail (bounces)', () => {
  it('an agent sees a bounced address, and clears it by marking it working or by changing the address', async () => {
    const customer = await makeUser(t.app, 'customer');
    const bounce = () => t.db('users').where({ id: customer.id }).first('bounced_at', 'bounce_reason');
    const markBounced = () =>
      t
        .db('users')
        .where({ id: customer.id })
        .update({ bounced_at: new Date(), bounce_reason: '550 no such user' });

    await markBounced();
    await expect(clearBounce(t.app, customer.actor, customer.id)).rejects.toMatchObject({
      code: 'forbidden',
    });
    await clearBounce(t.app, agent.actor, customer.id);
    expect(await bounce()).toEqual({ bounced_at: null, bounce_reason: null });

    await markBounced();
    const edit = {
      name: 'Same Person',
      email: customer.email,
      phone: null,
      language: 'es',
      role: 'customer' as const,
      companyId: customer.companyId,
      isCompanyManager: false,
    };
    await updateUser(t.app, agent.actor, customer.id, edit);
    expect((await bounce())?.bounce_reason).toBe('550 no such user');
    await updateUser(t.app, agent.actor, customer.id, { ...edit, email: `fixed-${customer.email}` });
    expect(await bounce()).toEqual({ bounced_at: null, bounce_reason: null });
  });
});

describe('csv import', () => {
  it('imports customers, services and users with a report of rejected lines, and is idempotent', async () => {
    const customers = 'name,code\nTransportes Ébano,TE-1\nTransportes Ébano,TE-2\n,X\nPanadería Sol,PS-1\n';
    const r1 = await importCsv(t.app, admin.actor, 'customers', customers);
    expect(r1).toMatchObject({ total: 4, imported: 2 });
    expect(r1.rejected.map((r) => [r.line, r.reason])).toEqual([
      [3, 'agent:import.companyExists'],
      [4, 'validation.nameRequired'],
    ]);
    expect((await importCsv(t.app, admin.actor, 'customers', customers)).imported).toBe(0);

    const services =
      'company;name;circuit_id;address\nTE-1;Fibra 1G;FT-1;Calle Mayor 1\nPanadería Sol;ADSL;AD-1;\nNope;X;;\nTE-1;Fibra 1G;FT-1;dup\n';
    const r2 = await importCsv(t.app, admin.actor, 'services', services);
    expect(r2.imported).toBe(2);
    expect(r2.rejected.map((r) => [r.line, r.reason])).toEqual([
      [4, 'agent:import.unknownCompany'],
      [5, 'agent:import.serviceExists'],
    ]);

    const progress: number[] = [];
    const users =
      'email,name,company,role,language,manager,invite\nana@te.test,Ana,TE-1,,es,yes,\nbad-email,Bob,TE-1,,,,\nluc@ps.test,Luc,PS-1,customer,fr,,no\nana@te.test,Ana bis,TE-1,,,,\nx@te.test,X,TE-1,boss,,,\n';
    const r3 = await importCsv(t.app, admin.actor, 'users', users, (done) => {
      progress.push(done);
    });
    expect(r3.imported).toBe(2);
    expect(r3.rejected.map((r) => [r.line, r.reason])).toEqual([
      [3, 'validation.emailInvalid'],
      [5, 'validation.emailTaken'],
      [6, 'agent:import.roleInvalid'],
    ]);
    expect(progress.at(-1)).toBe(5);
    const ana = must(await t.db('users').where({ email: 'ana@te.test' }).first());
    expect(ana.is_company_manager).toBe(true);
    expect(ana!.must_change_password).toBe(true);
    const invited = await t
      .db('outbox')
      .where({ event: 'account.invited' })
      .whereRaw("payload->>'userId' = ?", [String(ana!.id)]);
    expect(invited).toHaveLength(1);

    await expect(importCsv(t.app, admin.actor, 'users', 'email,name\na@b.c,A\n')).rejects.toMatchObject({
      messageKey: 'agent:import.missingColumns',
      params: { columns: 'company' },
    });
    await expect(importCsv(t.app, agent.actor, 'customers', customers)).rejects.toMatchObject({
      code: 'forbidden',
    });
  });
});
