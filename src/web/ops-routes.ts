import { createHash, timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import { registry } from '../metrics/metrics.js';
import { scrapeGauges } from '../metrics/scrape.js';
import { type HealthCheck, healthReport } from '../runtime/health.js';
import type { Services } from '../runtime/services.js';

export interface OpsRouteOptions {
  /** Checks of the parts running in this process, added to /readyz. */
  health: Record<string, HealthCheck>;
  /** Serve /metrics here (false when METRICS_PORT moves it to a private listener). */
  metrics: boolean;
  /**
   * Who sees /metrics and the details of /healthz and /readyz: anyone on the private listener (`open`); on the
   * public port only requests with `Authorization: Bearer <OPS_TOKEN>` (nobody when it is unset).
   */
  access: 'open' | { token: string | undefined };
}

const digest = (v: string) => createHash('sha256').update(v).digest();

/** /healthz (alive), /readyz (dependencies reachable) and /metrics (Prometheus). */
export function opsRoutes(s: Services, options: OpsRouteOptions): Router {
  const router = new Router();
  const startedAt = Date.now();
  const { access } = options;
  const insider = (ctx: Context): boolean => {
    if (access === 'open') return true;
    const sent = /^Bearer (.+)$/.exec(ctx.get('authorization'))?.[1];
    return Boolean(access.token && sent && timingSafeEqual(digest(sent), digest(access.token)));
  };

  // Alive means 200 whatever the dependencies say; their state is reported for people, /readyz gates traffic.
  router.get('/healthz', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    if (!insider(ctx)) {
      ctx.body = { ok: true };
      return;
    }
    const report = await healthReport(s, options.health);
    ctx.body = {
      ok: true,
      ready: report.ok,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      components: report.components,
    };
  });

  // The status is for load balancers, anyone; the reasons (hosts, errors) only for operators.
  router.get('/readyz', async (ctx) => {
    const report = await healthReport(s, options.health);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = report.ok ? 200 : 503;
    ctx.body = insider(ctx) ? report : { ok: report.ok };
  });

  if (options.metrics) {
    const gauges = scrapeGauges(s);
    router.get('/metrics', async (ctx, next) => {
      if (!insider(ctx)) return next();
      await gauges.refresh();
      ctx.set('Cache-Control', 'no-store');
      ctx.type = registry.contentType;
      ctx.body = await registry.metrics();
    });
  }
  return router;
}
