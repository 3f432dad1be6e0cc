import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { createDb, migrate } from '../../src/db/db.js';
import { adminUrl, dbUrl } from './pg-urls.js';

/** Migrates one template database per run; each test file clones it (fast) into its own database. */
export default async function setup(project: TestProject) {
  const template = `izt_tpl_${randomBytes(4).toString('hex')}`;
  const admin = createDb(adminUrl(), 1);
  await admin.raw(`create database ${template}`);
  const db = createDb(dbUrl(template), 1);
  await migrate(db);
  await db.destroy();
  project.provide('templateDb', template);
  return async () => {
    const stale: { datname: string }[] = (
      await admin.raw("select datname from pg_database where datname like 'izt\\_%' and datname <> ?", [
        template,
      ])
    ).rows;
    for (const { datname } of stale)
      await admin.raw(`drop database if exists ${datname} with (force)`).catch(() => {});
    await admin.raw(`drop database if exists ${template} with (force)`);
    await admin.destroy();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
  }
}
