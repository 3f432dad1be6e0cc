import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import { createDb, migrate } from '../../src/db/db.js';
import { DEFAULT_CATALOG } from '../../src/domain/catalog.js';
import type { TestDb } from './db.js';
import { adminUrl, dbUrl } from './pg-urls.js';

/**
 * Like useTestDb, but migrated from scratch under a name (izo_*) that other test runs on this machine do not
 * sweep: global-setup's teardown drops every izt_* database, including those of runs still going.
 */
export async function useIsolatedDb(): Promise<TestDb> {
  const name = `izo_${randomBytes(5).toString('hex')}`;
  const admin = createDb(adminUrl(), 1);
  await admin.raw(`create database ${name}`);
  const url = dbUrl(name);
  const db = createDb(url, 5);
  await migrate(db);
  afterAll(async () => {
    await db.destroy();
    await admin.raw(`drop database if exists ${name} with (force)`);
    await admin.destroy();
  });
  return { db, url, name, app: { db, catalog: DEFAULT_CATALOG, ticketPrefix: 'IZL' } };
}
