import Router from '@koa/router';
import type { Next } from 'koa';
import { LANGUAGES, type Lang } from '../../config/config.js';
import { isLang } from '../../i18n/i18n.js';
import type { Services } from '../../runtime/services.js';
import { accountOperations } from './account-operations.js';
import { attachmentOperations } from './attachment-operations.js';
import { bearerAuth } from './auth.js';
import { apiBody } from './body.js';
import { API_BASE, type ApiContext, type ApiState } from './context.js';
import { docsPage } from './docs-page.js';
import { type OpenApiDocument, openApiDocument } from './openapi.js';
import type { Operation } from './operation.js';
import { problemMiddleware } from './problem.js';
import { apiRateLimit } from './rate-limit.js';
import { ticketOperations } from './ticket-operations.js';

/** Every operation of the API: each is mounted and described in the OpenAPI document from the same spec. */
export const API_OPERATIONS: readonly Operation[] = [
  ...ticketOperations,
  ...attachmentOperations,
  ...accountOperations,
];

/** The router of the operations (each checks its token's scope and its input). */
export function operationsRouter(): Router<ApiState> {
  const router = new Router<ApiState>({ prefix: API_BASE });
  for (const op of API_OPERATIONS) op.mount(router);
  return router;
}

/** Problem details in English unless the client asks for Spanish or French. */
const languageOf = (ctx: ApiContext): Lang => {
  const l = ctx.acceptsLanguages(['en', ...LANGUAGES.filter((x) => x !== 'en')]);
  return isLang(l) ? l : 'en';
};

/**
 * The REST API under /api/v1: its own stack (problem answers, bearer token, rate limit, JSON or upload body),
 * apart from the pages' (no session, no CSRF). The OpenAPI document and its reference page are public.
 */
export function apiMiddleware(s: Services): (ctx: ApiContext, next: Next) => Promise<void> {
  const docs = new Map<string, { doc: OpenApiDocument; json: string; page: string }>();
  const described = () => {
    let d = docs.get(s.config.PUBLIC_URL);
    if (!d) {
      const doc = openApiDocument(API_OPERATIONS, s.config.PUBLIC_URL);
      d = { doc, json: JSON.stringify(doc), page: docsPage(doc, s.config.COMPANY_NAME) };
      docs.set(s.config.PUBLIC_URL, d);
    }
    return d;
  };
  const open = new Router<ApiState>({ prefix: API_BASE });
  open.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = described().json;
  });
  open.get('/docs', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = described().page;
  });
  const operations = operationsRouter();
  const stack: ((ctx: ApiContext, next: Next) => unknown)[] = [
    problemMiddleware(s.logger),
    open.routes(),
    bearerAuth,
    apiRateLimit,
    apiBody(s.config.catalog.maxAttachmentBytes),
    operations.routes(),
    operations.allowedMethods(),
  ];
  const run = async (ctx: ApiContext, i: number): Promise<void> => {
    await stack[i]?.(ctx, () => run(ctx, i + 1));
  };
  return async (ctx: ApiContext, next: Next) => {
    if (ctx.path !== API_BASE && !ctx.path.startsWith(`${API_BASE}/`)) return next();
    ctx.state.s = s;
    ctx.state.lang = languageOf(ctx);
    return run(ctx, 0);
  };
}
