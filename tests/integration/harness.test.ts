import { describe, expect, it } from 'vitest';
import { must, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser } from '../helpers/fixtures.js';

describe('test harness', () => {
  it('gives each file its own migrated database', async () => {
    const t = await useTestDb();
    const customer = await makeUser(t.app, 'customer');
    const id = await makeTicket(t.app, customer);
    const row = must(await t.db('tickets').where({ id }).first());
    expect(row.status).toBe('new');
    expect(t.name).toMatch(/^izr_/);
  });
});

describe('storage of mail bytes', () => {
  it('compresses raw mail and attachment bytes with lz4, and reads them back unchanged', async () => {
    const t = await useTestDb();
    const methods = await t.db.raw(
      `select attrelid::regclass::text as t, attname, attcompression from pg_attribute
        where (attrelid, attname) in (('inbound_mails'::regclass, 'raw'), ('attachments'::regclass, 'data'))`,
    );
    expect(methods.rows.map((r: { attcompression: string }) => r.attcompression)).toEqual(['l', 'l']);
    // Compressible text well over the TOAST threshold, as mail is.
    const raw = Buffer.from(`Subject: x\r\n\r\n${'Línea de texto de un mensaje. '.repeat(2000)}`);
    const [row] = await t
      .db('inbound_mails')
      .insert({ mailbox: 'INBOX', uidvalidity: 1, uid: 1, outcome: 'held', raw })
      .returning('id');
    const stored = await t.db.raw(
      'select raw, pg_column_compression(raw) as method, pg_column_size(raw) as size from inbound_mails where id = ?',
      [row.id],
    );
    expect(stored.rows[0].method).toBe('lz4');
    expect(stored.rows[0].size).toBeLessThan(raw.length / 4);
    expect(Buffer.compare(stored.rows[0].raw, raw)).toBe(0);
  });
});
