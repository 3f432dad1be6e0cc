import type { Db } from '../../db/db.js';

export interface SavedText {
  value: string;
  updatedAt: Date;
  /** Who wrote it; null once that account is gone. */
  updatedBy: string | null;
}

/** The number every change of the admins' texts bumps (see migration 20261204_180). */
export async function notificationTextsVersion(db: Db): Promise<number> {
  const row = await db('notification_texts_version').where({ id: 1 }).first('version');
  return row?.version ?? 0;
}

/** Every admin's text: a few hundred rows at most (mails × languages × texts). */
export const allNotificationTexts = (db: Db) =>
  db('notification_texts').select('template', 'language', 'key', 'value');

/** The admins' texts of one mail in one language, by key. */
export async function notificationTextsOf(
  db: Db,
  template: string,
  language: string,
): Promise<Map<string, SavedText>> {
  const rows = await db('notification_texts as n')
    .leftJoin('users as u', 'u.id', 'n.updated_by')
    .where({ 'n.template': template, 'n.language': language })
    .select('n.key', 'n.value', 'n.updated_at', 'u.name');
  return new Map(
    rows.map((r): [string, SavedText] => [
      r.key,
      { value: r.value, updatedAt: r.updated_at, updatedBy: r.name ?? null },
    ]),
  );
}

/** How many texts admins reworded, by `template/language`. */
export async function customisedCounts(db: Db): Promise<Map<string, number>> {
  const { rows } = await db.raw<{ rows: { template: string; language: string; n: number }[] }>(
    'select template, language, count(*)::int as n from notification_texts group by template, language',
  );
  return new Map(rows.map((r): [string, number] => [`${r.template}/${r.language}`, r.n]));
}
