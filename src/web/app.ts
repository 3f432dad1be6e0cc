import Router from '@koa/router';
import Koa from 'koa';
import type { HealthCheck } from '../runtime/health.js';
import type { Services } from '../runtime/services.js';
import { errorMiddleware } from './errors.js';
import { httpMetrics } from './http-metrics.js';
import { opsRoutes } from './ops-routes.js';
import { securityHeaders } from './security-headers.js';

export interface WebOptions {
  /** Health of the parts running beside the web server (mailboxes, SMTP). */
  health: Record<string, HealthCheck>;
}

export function createWebApp(s: Services, options: WebOptions): Koa {
  const app = new Koa({ proxy: true });
  app.keys = [s.config.SECRET];
  const router = new Router();
  const ops = opsRoutes(s, { health: options.health, metrics: s.config.METRICS_PORT === undefined });

  app.use(httpMetrics);
  app.use(errorMiddleware(s.logger));
  app.use(securityHeaders);
  app.use(ops.routes());
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
