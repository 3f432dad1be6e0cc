/**
 * The web server: health and static files first, then the page stack (session, user, language, body, CSRF)
 * and the areas' routers.
 *
 * Mounting another area (e.g. the agent helper's src/web/agent/routes.ts):
 *   export function mountAgentRoutes(router: Router<WebState>): void {
 *     router.get('/agent', requireRole('agent'), async (ctx) => renderPage(ctx, { title, body: html`...` }));
 *   }
 * then add one line below: `mountAgentRoutes(pages);`. Handlers get ctx.state.{s, user, actor, lang, t, session};
 * POST forms include `await csrfField(ctx)` (multipart too); read fields with field()/uploadedFile() from body.ts;
 * catch AppError 'invalid'/'too_large' to re-render the form (forms.ts formFromError); let others throw:
 * errors.ts renders them as pages with the right status.
 */
import Router from '@koa/router';
import Koa from 'koa';
import { type HealthCheck, healthReport } from '../runtime/health.js';
import type { Services } from '../runtime/services.js';
import { mountAgentRoutes } from './agent/routes.js';
import type { WebState } from './context.js';
import { errorMiddleware } from './errors.js';
import { pageStack } from './page-stack.js';
import { mountPortalRoutes } from './portal/routes.js';
import { securityHeaders } from './security-headers.js';
import { serveStatic } from './static-files.js';

export interface WebOptions {
  /** Health of the parts running beside the web server (mailboxes, SMTP). */
  health: Record<string, HealthCheck>;
}

export function createWebApp(s: Services, options: WebOptions): Koa<WebState> {
  const app = new Koa<WebState>({ proxy: true });
  app.keys = [s.config.SECRET];
  const router = new Router();

  router.get('/healthz', async (ctx) => {
    const report = await healthReport(s, options.health);
    ctx.status = report.ok ? 200 : 503;
    ctx.body = report;
  });

  app.use(errorMiddleware(s.logger));
  app.use(securityHeaders);
  app.use(serveStatic);
  app.use(router.routes());
  app.use(router.allowedMethods());

  const pages = new Router<WebState>();
  mountPortalRoutes(pages);
  mountAgentRoutes(pages);
  for (const m of pageStack(s)) app.use(m);
  app.use(pages.routes());
  app.use(pages.allowedMethods());
  return app;
}
