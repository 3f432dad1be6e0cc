import { randomBytes } from 'node:crypto';
import { afterAll, inject } from 'vitest';
import type { AppContext } from '../../src/app/context.js';
import { createDb, type Db } from '../../src/db/db.js';
import { DEFAULT_CATALOG } from '../../src/domain/catalog.js';
import { adminUrl, dbUrl } from './pg-urls.js';

export interface TestDb {
  db: Db;
  url: string;
  name: string;
  app: AppContext;
}

/** A fresh migrated database for this test file, dropped after it. */
export async function useTestDb(): Promise<TestDb> {
  const name = `izr_${inject('testRun')}_${randomBytes(5).toString('hex')}`;
  const admin = createDb(adminUrl(), 1);
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.raw(`create database ${name} template ${inject('templateDb')}`);
      break;
    } catch (err) {
      // Two files cloning the template at the same instant collide; try again shortly.
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

/** A Redis key prefix of this test file's own. */
export const testRedisPrefix = (): string => `izt:${randomBytes(4).toString('hex')}`;

export { must } from './must.js';
