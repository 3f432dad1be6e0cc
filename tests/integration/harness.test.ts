import { describe, expect, it } from 'vitest';
import { useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser } from '../helpers/fixtures.js';

describe('test harness', () => {
  it('gives each file its own migrated database', async () => {
    const t = await useTestDb();
    const customer = await makeUser(t.app, 'customer');
    const id = await makeTicket(t.app, customer);
    const row = await t.db('tickets').where({ id }).first();
    expect(row.status).toBe('new');
    expect(t.name).toMatch(/^izr_/);
  });
});
