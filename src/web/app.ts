/**
 * The web server: health and static files first, then the page stack (session, user, language, body, CSRF)
 * and the areas' routers.
 *
 * Mounting another area (e.g. the agent helper's src/web/agent/routes.ts):
 *   export function mountAgentRoutes(router: Router<WebState>): void {
 *     router.get('/agent', requireRole('agent'), async (ctx) =>
 *       renderPage(ctx, { title, body: html`...`, nav: '/agent' }));
 *   }
 * then add one line below: `mountAgentRoutes(pages);`. Handlers get ctx.state.{s, user, actor, lang, t, session};
 * POST forms include `await csrfField(ctx)` (a multipart form carries `?${await csrfQuery(ctx)}` in its action
 * instead: it is checked before the body is read); read path, query and form through the zod schemas of
 * input.ts (paramsInput, queryInput, formInput; files with uploadedFile() of body.ts); in a form's catch,
 * formError() of form-error.ts gives the status and the form to re-render (and rethrows anything else:
 * errors.ts renders it as a page with the right status); after a POST that worked, seeOther() (303).
 */
import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import type { HealthCheck } from '../runtime/health.js';
import type { Services } from '../runtime/services.js';
import { mountAgentRoutes } from './agent/routes.js';
import { apiMiddleware } from './api/routes.js';
import { requireRole } from './auth.js';
import { clientAddress } from './client-address.js';
import type { WebState } from './context.js';
import { errorMiddleware } from './errors.js';
import { httpMetrics } from './http-metrics.js';
import { mailGalleryEnabled, mailGalleryRoutes } from './mail-gallery-routes.js';
import { opsRoutes } from './ops-routes.js';
import { pageStack } from './page-stack.js';
import { mountPortalRoutes } from './portal/routes.js';
import { createQueueDashboard } from './queue-dashboard.js';
import { securityHeaders } from './security-headers.js';
import { serveStatic } from './static-files.js';

export interface WebOptions {
  /** Health of the parts running beside the web server (mailboxes, SMTP). */
  health: Record<string, HealthCheck>;
}

export function createWebApp(s: Services, options: WebOptions): Koa<WebState> {
  // Forwarded headers reach Koa only from trusted proxies (client-address.ts strips them otherwise).
  const app = new Koa<WebState>({ proxy: s.config.TRUSTED_PROXIES.length > 0 });
  app.keys = [s.config.SECRET];
  const ops = opsRoutes(s, {
    health: options.health,
    metrics: s.config.METRICS_PORT === undefined,
    access: { token: s.config.OPS_TOKEN },
  });

  app.use(clientAddress(s.config.TRUSTED_PROXIES));
  app.use(httpMetrics);
  app.use(errorMiddleware(s.logger));
  app.use(securityHeaders);
  app.use(ops.routes());
  app.use(serveStatic);
  // The REST API has its own stack (bearer tokens, problem answers): it never reaches the pages' session or CSRF.
  app.use(apiMiddleware(s));

  const pages = new Router<WebState>();
  mountPortalRoutes(pages);
  mountAgentRoutes(pages);
  for (const m of pageStack(s)) app.use(m);
  mountStaffTools(app, s);
  app.use(pages.routes());
  app.use(pages.allowedMethods());
  return app;
}

/**
 * Admin-only tools after the page stack (they need the session): the queue dashboard, and the gallery of mails
 * written to disk when no SMTP relay is configured (off in production unless MAIL_GALLERY is set).
 */
function mountStaffTools(app: Koa<WebState>, s: Services): void {
  const under =
    (prefix: string, guard: Middleware<WebState>): Middleware<WebState> =>
    async (ctx, next) =>
      ctx.path === prefix || ctx.path.startsWith(`${prefix}/`) ? guard(ctx, next) : next();
  const dashboard = createQueueDashboard(s.config, s.redis, '/admin/queues');
  app.use(under('/admin/queues', requireRole('admin')));
  app.use(dashboard.middleware);
  if (mailGalleryEnabled(s.config)) {
    const gallery = mailGalleryRoutes(s.config, '/dev/mails');
    app.use(under('/dev/mails', requireRole('admin')));
    app.use(gallery.routes());
  }
}
