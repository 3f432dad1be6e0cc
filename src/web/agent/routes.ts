import type Router from '@koa/router';
import type { WebState } from '../context.js';
import { mountAdminHub } from './admin-hub.js';
import { mountAdmin } from './admin-pages.js';
import { mountApiTokens } from './api-tokens-pages.js';
import { mountAudit } from './audit-pages.js';
import { mountCanned } from './canned-pages.js';
import { mountCustomers } from './customers-pages.js';
import { mountGdpr } from './gdpr-pages.js';
import { mountIncidents } from './incident-pages.js';
import { mountMailboxes } from './mailboxes-pages.js';
import { mountNotificationTexts } from './notification-texts-pages.js';
import { AGENT_CSS_PATH, serveAgentCss } from './page.js';
import { mountQuarantine } from './quarantine-pages.js';
import { mountQueue } from './queue-page.js';
import { mountReports } from './reports-page.js';
import { mountRouting } from './routing-pages.js';
import { mountSla } from './sla-pages.js';
import { mountTeams } from './teams-pages.js';
import { mountTicket } from './ticket-routes.js';
import { mountWebhooks } from './webhooks-pages.js';

/** Every page of the agent area, under /agent, for agents and admins (customers get 404, agents 403 on admin pages). */
export function mountAgentRoutes(r: Router<WebState>): void {
  r.get(AGENT_CSS_PATH, serveAgentCss);
  mountQueue(r);
  mountTicket(r);
  mountIncidents(r);
  mountCustomers(r);
  mountQuarantine(r);
  mountReports(r);
  mountCanned(r);
  mountAdminHub(r);
  mountAdmin(r);
  mountSla(r);
  mountTeams(r);
  mountRouting(r);
  mountMailboxes(r);
  mountNotificationTexts(r);
  mountAudit(r);
  mountGdpr(r);
  mountWebhooks(r);
  mountApiTokens(r);
}
