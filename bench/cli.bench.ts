import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, migrate } from '../src/db/db.js';
import { ensureBuilt } from '../tests/helpers/build.js';
import { buildMail } from '../tests/helpers/imap.js';

/**
 * Start-up cost of the command line, as an MTA pays it per message: each figure is the median wall time of
 * RUNS cold `node bin/izardesk.js` processes (compiled code, a fresh process each time) on a fresh database,
 * beside the median CPU time, and the load average around the runs (the machine is shared).
 */
const RUNS = 10;
const PG = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const bin = join(import.meta.dirname, '..', 'bin', 'izardesk.js');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const round = (s: number) => Math.round(s * 1000) / 1000;

interface Run {
  wall: number;
  /** User + system CPU seconds of the process, which a loaded machine inflates less than wall time. */
  cpu: number;
}

/** Runs the command RUNS times, each in a fresh process under bash's `time` (which gives the child's CPU). */
function timeRuns(env: Record<string, string>, args: (i: number) => string[], script = bin): Run[] {
  return Array.from({ length: RUNS }, (_, i) => {
    const started = process.hrtime.bigint();
    const r = spawnSync(
      'bash',
      ['-c', 'TIMEFORMAT="cpu %3U %3S"; time "$@"', 'bash', process.execPath, script, ...args(i)],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, encoding: 'utf8' },
    );
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    if (r.status !== 0) throw new Error(`izardesk ${args(i).join(' ')} failed: ${r.stderr}`);
    const [, user, sys] = /cpu (\S+) (\S+)\s*$/.exec(r.stderr) ?? [];
    return { wall, cpu: Number(user) + Number(sys) };
  });
}

export async function run(): Promise<Record<string, unknown>> {
  ensureBuilt();
  const name = `izb_cli_${randomBytes(4).toString('hex')}`;
  const admin = createDb(PG, 1);
  await admin.raw(`create database ${name}`);
  const url = new URL(PG);
  url.pathname = `/${name}`;
  const dir = mkdtempSync(join(tmpdir(), 'izd-bench-cli-'));
  try {
    const db = createDb(url.toString(), 1);
    await migrate(db);
    await db.destroy();
    const env = { DATABASE_URL: url.toString(), REDIS_PREFIX: `izb:${name}`, LOG_LEVEL: 'warn' };
    const eml = join(dir, 'small.eml');
    writeFileSync(
      eml,
      buildMail({ from: 'cliente@bench.example', subject: 'Sin conexión', text: 'Hola, no tengo línea.' }),
    );

    const loadBefore = loadavg();
    // The floor: Node itself starting and exiting, on this machine at this load.
    const empty = join(dir, 'empty.mjs');
    writeFileSync(empty, '');
    const node = timeRuns({}, () => [], empty);
    const help = timeRuns(env, () => ['--help']);
    const ingest = timeRuns(env, () => ['ingest', '--file', eml, '--dry-run']);
    const userCreate = timeRuns(env, (i) => [
      'user',
      'create',
      '--email',
      `agente${i}@bench.example`,
      '--name',
      `Agente ${i}`,
      '--role',
      'agent',
    ]);
    const figure = (runs: Run[], target: number) => {
      const wall = median(runs.map((r) => r.wall));
      return {
        medianSeconds: round(wall),
        targetSeconds: target,
        met: wall < target,
        medianCpuSeconds: round(median(runs.map((r) => r.cpu))),
        wallSeconds: runs.map((r) => round(r.wall)),
      };
    };
    return {
      runs: RUNS,
      loadAverage: { before: loadBefore.map(round), after: loadavg().map(round) },
      nodeAlone: {
        medianSeconds: round(median(node.map((r) => r.wall))),
        medianCpuSeconds: round(median(node.map((r) => r.cpu))),
      },
      help: figure(help, 0.3),
      ingestDryRun: figure(ingest, 1),
      userCreate: figure(userCreate, 1),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await admin.raw(`drop database if exists ${name} with (force)`);
    await admin.destroy();
  }
}
