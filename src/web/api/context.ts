import type { RouterContext } from '@koa/router';
import type { ApiCaller } from '../../app/queries/api-tokens.js';
import type { Lang } from '../../config/config.js';
import type { Services } from '../../runtime/services.js';

/** What a request of the REST API carries: no session, no cookies; its caller is its bearer token. */
export interface ApiState {
  s: Services;
  /** The language of problem details (Accept-Language; English by default). */
  lang: Lang;
  /** Set by the bearer check (auth.ts) before any operation runs. */
  caller?: ApiCaller;
}

/** A router's context: the API's middleware run in the same chain as its routers. */
export type ApiContext = RouterContext<ApiState>;

/** Where the API lives. */
export const API_BASE = '/api/v1';
