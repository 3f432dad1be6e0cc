import type { Services } from './services.js';

export interface ComponentHealth {
  ok: boolean;
  detail?: string;
}

export interface HealthReport {
  ok: boolean;
  components: Record<string, ComponentHealth>;
}

/** Extra checks registered by the parts of this process (ingest mailboxes, SMTP). */
export type HealthCheck = () => Promise<ComponentHealth>;

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<T>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function check(fn: () => Promise<unknown>): Promise<ComponentHealth> {
  try {
    await withTimeout(fn(), 2000);
    return { ok: true };
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}

export async function healthReport(s: Services, extra: Record<string, HealthCheck>): Promise<HealthReport> {
  const components: Record<string, ComponentHealth> = {
    postgres: await check(() => s.db.raw('select 1')),
    redis: await check(() => s.redis.ping()),
  };
  for (const [name, fn] of Object.entries(extra)) {
    components[name] = await fn().catch((err: Error) => ({ ok: false, detail: err.message }));
  }
  return { ok: Object.values(components).every((c) => c.ok), components };
}
