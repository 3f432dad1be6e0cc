import type Router from '@koa/router';
import type { WebState } from '../context.js';
import { homeOf } from '../menus.js';
import { mountApprovalRoutes } from './approval-routes.js';
import { mountAuthRoutes } from './auth-routes.js';
import { mountNewTicketRoutes } from './new-ticket-routes.js';
import { mountOidcRoutes } from './oidc-routes.js';
import { mountProfileRoutes } from './profile-routes.js';
import { mountSurveyRoutes } from './survey-routes.js';
import { mountTicketListRoutes } from './ticket-list-routes.js';
import { mountTicketRoutes } from './ticket-routes.js';

/** Every page of the customer portal; a customer lands on the new ticket form, staff on their queue. */
export function mountPortalRoutes(r: Router<WebState>): void {
  mountAuthRoutes(r);
  mountOidcRoutes(r);
  r.get('/', (ctx) => ctx.redirect(ctx.state.user ? homeOf(ctx.state.user) : '/login'));
  mountNewTicketRoutes(r);
  mountTicketListRoutes(r);
  mountTicketRoutes(r);
  mountApprovalRoutes(r);
  mountSurveyRoutes(r);
  mountProfileRoutes(r);
}
