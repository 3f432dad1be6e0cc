import type { ParameterizedContext } from 'koa';
import type { Lang } from '../config/config.js';
import type { Actor, Role } from '../domain/ticket-status.js';
import type { Services } from '../runtime/services.js';
import type { Translate } from './translate.js';

/** The signed-in user as the pages need it (loaded with the session in one query). */
export interface WebUser {
  id: number;
  email: string;
  name: string;
  phone: string | null;
  role: Role;
  company_id: number | null;
  is_company_manager: boolean;
  language: string;
  time_zone: string;
  page_size: number;
  must_change_password: boolean;
}

export interface SessionData {
  csrf?: string;
  /** One-shot message shown on the next page (an i18n key and its parameters). */
  flash?: { key: string; params?: Record<string, string | number> };
}

export interface WebSession {
  /** The raw id from the cookie (only its hash is stored). */
  id: string;
  userId: number | null;
  data: SessionData;
  dirty: boolean;
}

export interface WebState {
  s: Services;
  session: WebSession | null;
  user: WebUser | null;
  actor: Actor | null;
  lang: Lang;
  t: Translate;
}

export type WebContext = ParameterizedContext<WebState>;
