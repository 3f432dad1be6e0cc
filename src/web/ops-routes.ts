import Router from '@koa/router';
import { registry } from '../metrics/metrics.js';
import { scrapeGauges } from '../metrics/scrape.js';
import { type HealthCheck, healthReport } from '../runtime/health.js';
import type { Services } from '../runtime/services.js';

export interface OpsRouteOptions {
  /** Checks of the parts running in this process, added to /readyz. */
  health: Record<string, HealthCheck>;
  /** Serve /metrics here (false when METRICS_PORT moves it to a private listener). */
  metrics: boolean;
}

/** /healthz (alive, with each dependency's state), /readyz (dependencies reachable, JSON details) and /metrics (Prometheus). */
export function opsRoutes(s: Services, options: OpsRouteOptions): Router {
  const router = new Router();
  const startedAt = Date.now();

  // Alive means 200 whatever the dependencies say; their state is reported for people, /readyz gates traffic.
  router.get('/healthz', async (ctx) => {
    const report = await healthReport(s, options.health);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      ok: true,
      ready: report.ok,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      components: report.components,
    };
  });

  router.get('/readyz', async (ctx) => {
    const report = await healthReport(s, options.health);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = report.ok ? 200 : 503;
    ctx.body = report;
  });

  if (options.metrics) {
    const gauges = scrapeGauges(s);
    router.get('/metrics', async (ctx) => {
      await gauges.refresh();
      ctx.set('Cache-Control', 'no-store');
      ctx.type = registry.contentType;
      ctx.body = await registry.metrics();
    });
  }
  return router;
}
