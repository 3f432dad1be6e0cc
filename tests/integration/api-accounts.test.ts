import { beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/runtime/services.js';
import { ApiClient, makeApiToken, problemFields } from '../helpers/api.js';
import { must, type TestDb, useTestDb } from '../helpers/db.js';
import { makeUser, type TestUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb } from '../helpers/web.js';

let t: TestDb;
let s: Services;
let base: string;
let admin: TestUser;
let api: ApiClient;

beforeAll(async () => {
  t = await useTestDb();
  s = await useTestServices(t);
  base = await startTestWeb(s);
  admin = await makeUser(t.app, 'admin');
  api = new ApiClient(base, (await makeApiToken(t.app, admin, ['admin'])).token);
});

describe('companies, customers and services through the API', () => {
  it('creates, updates and lists companies; a taken code is a conflict', async () => {
    const created = await api.post('/companies', { name: 'Hostal Río', code: 'C-100' });
    expect(created.status).toBe(201);
    const id = Number(created.json?.id);
    expect(created.json).toEqual({ id, name: 'Hostal Río', code: 'C-100', active: true });
    const taken = await api.post('/companies', { name: 'Otro', code: 'C-100' });
    expect(taken.status).toBe(409);
    expect(taken.json?.errors).toEqual([
      { field: 'code', code: 'agent:validation.codeTaken', detail: expect.any(String) },
    ]);
    const renamed = await api.patch(`/companies/${id}`, { name: 'Hostal Río Sil' });
    expect(renamed.json).toEqual({ id, name: 'Hostal Río Sil', code: 'C-100', active: true });
    const list = await api.get('/companies?q=Sil');
    expect(list.json?.items).toEqual([
      expect.objectContaining({ id, name: 'Hostal Río Sil', users: 0, services: 0 }),
    ]);
    expect((await api.patch('/companies/999999', { name: 'x' })).status).toBe(404);
  });

  it('creates and updates customers of a company, and lists them', async () => {
    const company = Number((await api.post('/companies', { name: 'Panadería Sol' })).json?.id);
    const r = await api.post('/customers', {
      email: 'Marta@Panaderia.test',
      name: 'Marta Gil',
      companyId: company,
      language: 'en',
    });
    expect(r.status).toBe(201);
    const id = Number(r.json?.id);
    expect(r.json).toMatchObject({
      email: 'marta@panaderia.test',
      companyId: company,
      language: 'en',
      active: true,
    });
    const dup = await api.post('/customers', {
      email: 'marta@panaderia.test',
      name: 'Otra',
      companyId: company,
    });
    expect(dup.status).toBe(409);
    const bad = await api.post('/customers', { email: 'no-es-correo', name: '', companyId: company });
    expect(bad.status).toBe(422);
    expect(problemFields(bad).sort()).toEqual(['email', 'name']);
    const edited = await api.patch(`/customers/${id}`, { phone: '+34 600 000 000', isCompanyManager: true });
    expect(edited.json).toMatchObject({
      name: 'Marta Gil',
      phone: '+34 600 000 000',
      isCompanyManager: true,
    });
    expect((await api.get(`/customers?companyId=${company}`)).json?.items).toEqual([
      expect.objectContaining({ id, name: 'Marta Gil' }),
    ]);
    // Staff accounts are not customers.
    expect((await api.get(`/customers/${admin.id}`)).status).toBe(404);
  });

  it('adds and edits services with where they run in the network', async () => {
    const company = Number((await api.post('/companies', { name: 'Taller Norte' })).json?.id);
    const created = await api.post(`/companies/${company}/services`, {
      name: 'Fibra taller',
      circuitId: 'FTTH-9',
      zone: 'Norte',
      technology: 'ftth',
      accessNode: 'OLT-3',
    });
    expect(created.status).toBe(201);
    const id = Number(created.json?.id);
    expect(created.json).toMatchObject({
      companyId: company,
      zone: 'Norte',
      technology: 'ftth',
      accessNode: 'OLT-3',
    });
    const wrong = await api.post(`/companies/${company}/services`, { name: 'X', technology: 'pigeon' });
    expect(wrong.status).toBe(422);
    expect(problemFields(wrong)).toEqual(['technology']);
    const moved = await api.patch(`/services/${id}`, { zone: 'Sur' });
    // Attributes left out keep their value.
    expect(moved.json).toMatchObject({
      zone: 'Sur',
      accessNode: 'OLT-3',
      technology: 'ftth',
      name: 'Fibra taller',
    });
    expect(must(await t.db('services').where({ id }).first('zone', 'access_node'))).toEqual({
      zone: 'Sur',
      access_node: 'OLT-3',
    });
    const off = await api.patch(`/services/${id}`, { active: false });
    expect(off.json?.active).toBe(false);
    const detail = await api.get(`/companies/${company}`);
    expect(detail.json?.services).toEqual([expect.objectContaining({ id, active: false, zone: 'Sur' })]);
  });
});
