import i18next, { type TFunction } from 'i18next';
import { LANGUAGES, type Lang } from '../config/config.js';
import { admin } from './ns/admin.js';
import { agent } from './ns/agent.js';
import { api } from './ns/api.js';
import { canned } from './ns/canned.js';
import { common } from './ns/common.js';
import { gdpr } from './ns/gdpr.js';
import { ingest } from './ns/ingest.js';
import { mail } from './ns/mail.js';
import { mailboxes } from './ns/mailboxes.js';
import { portal } from './ns/portal.js';
import { reports } from './ns/reports.js';
import { sso } from './ns/sso.js';
import { survey } from './ns/survey.js';
import { texts } from './ns/texts.js';
import { webhooks } from './ns/webhooks.js';

/** The one catalogue of pages and mails (es, en, fr). Keys: `key` in common, `ns:key` elsewhere. */
const NAMESPACES = {
  common,
  portal,
  agent,
  admin,
  mail,
  ingest,
  reports,
  mailboxes,
  canned,
  survey,
  sso,
  texts,
  gdpr,
  webhooks,
  api,
} as const;

const resources = Object.fromEntries(
  LANGUAGES.map((lang) => [
    lang,
    Object.fromEntries(Object.entries(NAMESPACES).map(([ns, v]) => [ns, v[lang]])),
  ]),
);

const instance = i18next.createInstance();
await instance.init({
  resources,
  ns: Object.keys(NAMESPACES),
  defaultNS: 'common',
  fallbackLng: 'es',
  interpolation: { escapeValue: false },
  initAsync: false,
});

export const isLang = (v: unknown): v is Lang =>
  typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);

/** A translator for one language; missing keys fall back to Spanish, then to the key itself. */
export const translator = (lang: string): TFunction => instance.getFixedT(isLang(lang) ? lang : 'es');
