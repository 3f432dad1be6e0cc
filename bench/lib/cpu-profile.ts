import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  where: string;
  selfMs: number;
  share: number;
}

/** Where a frame's code lives: a package of node_modules, a file of the project, or Node itself. */
function placeOf(url: string, root: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  if (url.startsWith('file://')) return url.slice(`file://${root}/`.length).replace(/^dist\//, '');
  return url ? 'node' : '(native, GC, idle)';
}

/**
 * The self time of every .cpuprofile in `dir` (written by `node --cpu-prof` on exit), summed by package or
 * project file and by function: the answer to "where does the time go" when a target is missed.
 */
export function summarizeProfiles(
  dir: string,
  root: string,
  top = 15,
): { byPlace: HotSpot[]; byFunction: HotSpot[] } {
  const places = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'))) {
    const p = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Profile;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    p.samples.forEach((id, i) => {
      const n = byId.get(id);
      const us = p.timeDeltas[i] ?? 0;
      if (!n || n.callFrame.functionName === '(idle)') return;
      total += us;
      const place = placeOf(n.callFrame.url, root);
      places.set(place, (places.get(place) ?? 0) + us);
      const fn = `${n.callFrame.functionName || '(anonymous)'} ${place}:${n.callFrame.lineNumber + 1}`;
      functions.set(fn, (functions.get(fn) ?? 0) + us);
    });
  }
  const rank = (m: Map<string, number>): HotSpot[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([where, us]) => ({
        where,
        selfMs: Math.round(us / 1000),
        share: +(us / Math.max(total, 1)).toFixed(3),
      }));
  return { byPlace: rank(places), byFunction: rank(functions) };
}

/**
 * Profiles this process's main thread while `work` runs (BENCH_CPU_PROF=1 in a bench): the profile is written
 * to `dir` and summed like the soak's. Worker threads (mail parsing) are not in it.
 */
export async function profiled<T>(
  dir: string,
  root: string,
  work: () => Promise<T>,
): Promise<{ value: T; profile: ReturnType<typeof summarizeProfiles> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    const value = await work();
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `bench-${Date.now()}.cpuprofile`), JSON.stringify(profile));
    return { value, profile: summarizeProfiles(dir, root, 20) };
  } finally {
    session.disconnect();
  }
}
