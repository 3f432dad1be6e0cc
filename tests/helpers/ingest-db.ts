import { randomBytes } from 'node:crypto';
import { afterAll, inject } from 'vitest';
import { createDb } from '../../src/db/db.js';
import { DEFAULT_CATALOG } from '../../src/domain/catalog.js';
import type { TestDb } from './db.js';
import { adminUrl, dbUrl } from './pg-urls.js';

/**
 * Like useTestDb, but named `izi_…`: the shared global teardown drops every `izt_…` database of the machine,
 * including those of test runs still going in other worktrees, which kills the long ingest runs midway.
 */
export async function useIngestDb(): Promise<TestDb> {
  const name = `izi_${randomBytes(5).toString('hex')}`;
  const admin = createDb(adminUrl(), 1);
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.raw(`create database ${name} template ${inject('templateDb')}`);
      break;
    } catch (err) {
      if (attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  const url = dbUrl(name);
  const db = createDb(url, 5);
  afterAll(async () => {
    await db.destroy();
    await admin.raw(`drop database if exists ${name} with (force)`);
    await admin.destroy();
  });
  return { db, url, name, app: { db, catalog: DEFAULT_CATALOG, ticketPrefix: 'IZL' } };
}
