import { allNotificationTexts, notificationTextsVersion } from '../app/queries/notification-texts.js';
import type { Db } from '../db/db.js';
import type { TextOverrides } from './strings.js';

/** The admins' texts of a mail in a language (see src/domain/notification-texts.ts). */
export interface NotificationTexts {
  of(template: string, language: string): Promise<TextOverrides>;
}

const NONE: TextOverrides = new Map();

/**
 * The admins' texts, cached in this process. At most once every `maxAgeMs` (when a mail is rendered, not on a
 * timer) it reads the one-row version that every change bumps in its transaction, and reloads the whole (small)
 * table only when that number moved: every process sees an edit within a second, with one indexed read a second
 * while it sends and nothing while it idles, and no connection of its own (no LISTEN, so it works through a
 * connection pooler).
 */
export function notificationTexts(db: Db, maxAgeMs = 1000): NotificationTexts {
  let version: number | null = null;
  let byMail = new Map<string, Map<string, string>>();
  let checkedAt = Number.NEGATIVE_INFINITY;
  let refreshing: Promise<void> | null = null;

  const refresh = async () => {
    // The version before the rows: a change committed in between is then loaded early, never missed.
    const current = await notificationTextsVersion(db);
    if (current !== version) {
      const next = new Map<string, Map<string, string>>();
      for (const r of await allNotificationTexts(db)) {
        const mail = `${r.template}/${r.language}`;
        const texts = next.get(mail) ?? new Map<string, string>();
        texts.set(`mail:${r.key}`, r.value);
        next.set(mail, texts);
      }
      byMail = next;
      version = current;
    }
    checkedAt = Date.now();
  };

  return {
    async of(template, language) {
      if (Date.now() - checkedAt >= maxAgeMs) {
        refreshing ??= refresh().finally(() => {
          refreshing = null;
        });
        await refreshing;
      }
      return byMail.get(`${template}/${language}`) ?? NONE;
    },
  };
}
