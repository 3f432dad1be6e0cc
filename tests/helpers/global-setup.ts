import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { createDb, migrate } from '../../src/db/db.js';
import { ensureBuilt } from './build.js';
import { adminUrl, dbUrl } from './pg-urls.js';

/**
 * Migrates one template database per run; each test file clones it (fast) into its own database, named
 * after this run (`izr_<run>_...`) so that the cleanup drops this run's databases only: several runs share
 * the machine's Postgres at the same time. (Not `izt_`: older harnesses drop every `izt_%` database.)
 * Also builds dist/ when it is stale: the CLI tests run the compiled command, as installed.
 */
export default async function setup(project: TestProject) {
  ensureBuilt();
  const run = randomBytes(4).toString('hex');
  const template = `izr_${run}_tpl`;
  const admin = createDb(adminUrl(), 1);
  await admin.raw(`create database ${template}`);
  const db = createDb(dbUrl(template), 1);
  await migrate(db);
  await db.destroy();
  project.provide('templateDb', template);
  project.provide('testRun', run);
  return async () => {
    const stale: { datname: string }[] = (
      await admin.raw('select datname from pg_database where starts_with(datname, ?)', [`izr_${run}_`])
    ).rows;
    for (const { datname } of stale)
      await admin.raw(`drop database if exists ${datname} with (force)`).catch(() => {});
    await admin.destroy();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
    testRun: string;
  }
}
