import type Router from '@koa/router';
import type { WebState } from '../context.js';
import { mountAdmin } from './admin-pages.js';
import { mountCanned } from './canned-pages.js';
import { mountCustomers } from './customers-pages.js';
import { AGENT_CSS_PATH, serveAgentCss } from './page.js';
import { mountQuarantine } from './quarantine-pages.js';
import { mountQueue } from './queue-page.js';
import { mountTicket } from './ticket-routes.js';

/** Every page of the agent area, under /agent, for agents and admins (customers get 404, agents 403 on admin pages). */
export function mountAgentRoutes(r: Router<WebState>): void {
  r.get(AGENT_CSS_PATH, serveAgentCss);
  mountQueue(r);
  mountTicket(r);
  mountCustomers(r);
  mountQuarantine(r);
  mountCanned(r);
  mountAdmin(r);
}
