import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { KoaAdapter } from '@bull-board/koa';
import type { Redis } from 'ioredis';
import type { Middleware } from 'koa';
import { type Config, LANGUAGES } from '../config/config.js';
import { isLang } from '../i18n/i18n.js';
import { notificationQueue } from '../outbound/index.js';
import { stringsFor } from '../outbound/strings.js';

const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; base-uri 'self'; object-src 'none'; form-action 'self'; frame-ancestors 'none'";

/** bull-board's own translations of its interface, by our language. */
const BOARD_LOCALE = { es: 'es-ES', en: 'en-US', fr: 'fr-FR' } as const;

/** bull-board's page links a web font from Google: none of our pages load anything from another site. */
const REMOTE_FONT = /<link[^>]+href="https:\/\/fonts\.googleapis\.com[^>]*>\s*/g;

export interface QueueDashboard {
  /** Koa middleware serving the dashboard under basePath; mount it behind the admin login. */
  middleware: Middleware<{ lang?: string }>;
  close(): Promise<void>;
}

/**
 * bull-board over the notification queue (waiting, delayed, failed jobs), in the viewer's language, on the
 * process's own Redis connection, which stays the caller's to close. Read-only: its buttons call its API
 * without our CSRF token and were always refused; a failed notification is retried by the outbox relay.
 */
export function createQueueDashboard(
  config: Config,
  connection: Redis,
  basePath = '/admin/queues',
): QueueDashboard {
  const queue = notificationQueue(config, connection);
  const boards = new Map(
    LANGUAGES.map((lang) => {
      const adapter = new KoaAdapter();
      adapter.setBasePath(basePath);
      createBullBoard({
        queues: [new BullMQAdapter(queue, { readOnlyMode: true })],
        // @bull-board/koa pins its own copy of @bull-board/api: same shape, separately declared types.
        serverAdapter: adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
        options: {
          uiConfig: {
            boardTitle: stringsFor(lang)('mail:queues.title'),
            locale: { lng: BOARD_LOCALE[lang] },
          },
        },
      });
      return [lang, adapter.registerPlugin() as Middleware] as const;
    }),
  );
  const under = (path: string) => path === basePath || path.startsWith(`${basePath}/`);
  return {
    // bull-board needs a <base> and inline styles: a CSP of its own under basePath, scripts still 'self' only.
    middleware: async (ctx, next) => {
      if (!under(ctx.path)) return next();
      ctx.set('Content-Security-Policy', DASHBOARD_CSP);
      const lang = isLang(ctx.state.lang) ? ctx.state.lang : config.DEFAULT_LANGUAGE;
      const board = boards.get(lang) as Middleware;
      await board(ctx, next);
      if (typeof ctx.body === 'string' && ctx.response.is('html')) {
        ctx.body = ctx.body.replace(REMOTE_FONT, '').replace('<html lang="en"', `<html lang="${lang}"`);
      }
    },
    close: () => queue.close(),
  };
}
