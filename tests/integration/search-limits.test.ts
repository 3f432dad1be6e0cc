import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { updateProfile } from '../../src/app/accounts/profile.js';
import { updateCompany } from '../../src/app/agent/companies.js';
import { addFollowup } from '../../src/app/tickets/add-followup.js';
import { must, type TestDb, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser } from '../helpers/fixtures.js';

const t: TestDb = await useTestDb();

/** ~900 KB of distinct words: its search vector alone is near the 1 MB a tsvector can hold. */
const hugeBody = () =>
  Array.from({ length: 900_000 / 9 }, () => randomBytes(4).toString('hex'))
    .join(' ')
    .concat(' finalword');

const found = async (words: string) =>
  (await t.db('tickets').whereRaw('search @@ izd_tsq(?)', [words]).select('id')).map((r) => Number(r.id));

describe('search vectors past the tsvector limit', { timeout: 120_000 }, () => {
  it('renaming a customer and their company works after two huge follow-ups', async () => {
    const customer = await makeUser(t.app, 'customer');
    const admin = await makeUser(t.app, 'admin');
    const ticketId = await makeTicket(t.app, customer);
    // An installation whose catalog allows follow-ups this long (the default cap is 20,000 characters).
    const roomy = { ...t.app, catalog: { ...t.app.catalog, maxFollowupLength: 2_000_000 } };
    for (let i = 0; i < 2; i++)
      await addFollowup(roomy, customer.actor, { ticketId, body: hugeBody(), visibility: 'public' });

    const user = must(await t.db('users').where({ id: customer.id }).first('email', 'phone'));
    await updateProfile(t.app, customer.id, { name: 'Zacarías Renombrado', email: user.email, phone: '' });
    expect(await found('Zacarías Renombrado')).toEqual([ticketId]);

    await updateCompany(t.app, admin.actor, customer.companyId as number, { name: 'Compañía Nueva Veloz' });
    expect(await found('Compañía Nueva Veloz')).toEqual([ticketId]);
    // The ticket's own text and the start of its follow-ups stay searchable.
    const title = must(await t.db('tickets').where({ id: ticketId }).first('title')).title as string;
    expect(await found(title)).toContain(ticketId);
  });
});
