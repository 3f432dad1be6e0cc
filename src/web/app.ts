import Router from '@koa/router';
import Koa from 'koa';
import { type HealthCheck, healthReport } from '../runtime/health.js';
import type { Services } from '../runtime/services.js';
import { errorMiddleware } from './errors.js';
import { securityHeaders } from './security-headers.js';

export interface WebOptions {
  /** Health of the parts running beside the web server (mailboxes, SMTP). */
  health: Record<string, HealthCheck>;
}

export function createWebApp(s: Services, options: WebOptions): Koa {
  const app = new Koa({ proxy: true });
  app.keys = [s.config.SECRET];
  const router = new Router();

  router.get('/healthz', async (ctx) => {
    const report = await healthReport(s, options.health);
    ctx.status = report.ok ? 200 : 503;
    ctx.body = report;
  });

  app.use(errorMiddleware(s.logger));
  app.use(securityHeaders);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
