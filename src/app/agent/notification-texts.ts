import { LANGUAGES } from '../../config/config.js';
import type { Tx } from '../../db/db.js';
import { AppError, type FieldErrors } from '../../domain/errors.js';
import {
  EDITABLE_TEXTS,
  type EditableText,
  normalizeText,
  textProblem,
} from '../../domain/notification-texts.js';
import type { Actor } from '../../domain/ticket-status.js';
import { mailDefault, mailPlaceholders } from '../../i18n/mail-texts.js';
import type { AppContext } from '../context.js';
import { writeOutbox } from '../outbox.js';
import { requireAdmin } from './guards.js';

/** One mail's texts in one language as the admin's form sends them: key → text, for every text of the mail. */
export interface NotificationTextsInput {
  template: string;
  language: string;
  texts: Record<string, string>;
}

function textsOf(template: string, language: string): readonly EditableText[] {
  const texts = EDITABLE_TEXTS[template];
  if (!texts || !(LANGUAGES as readonly string[]).includes(language))
    throw new AppError('not_found', 'texts:notFound');
  return texts;
}

const defaultOf = (language: string, key: string) => normalizeText(mailDefault(language, key) ?? '');

/**
 * The texts of the form that differ from their defaults, checked (no write: the preview uses it as is). Any
 * problem is an 'invalid' error with one message key per field; the unknown placeholders are named in the
 * params (`names`, and `names:<key>` for the field's own).
 */
export function checkNotificationTexts(input: NotificationTextsInput): Map<string, string> {
  const changed = new Map<string, string>();
  const fields: FieldErrors = {};
  const params: Record<string, string> = {};
  const unknown: string[] = [];
  for (const t of textsOf(input.template, input.language)) {
    const typed = input.texts[t.key];
    if (typed === undefined) continue;
    const value = normalizeText(typed);
    const problem = textProblem(value, t.kind, mailPlaceholders(t.key));
    if (problem) {
      fields[t.key] = problem.key;
      if ('names' in problem) {
        const names = problem.names.map((n) => `{{${n}}}`);
        params[`names:${t.key}`] = names.join(', ');
        unknown.push(...names);
      }
    } else if (value !== defaultOf(input.language, t.key)) changed.set(t.key, value);
  }
  if (Object.keys(fields).length === 0) return changed;
  throw new AppError('invalid', unknown.length ? 'texts:errors.unknownSummary' : 'validation.fixFields', {
    fields,
    params: { ...params, names: [...new Set(unknown)].join(', ') },
  });
}

/** Every process reloads the texts when this number moves (src/outbound/text-overrides.ts). */
const bumpVersion = (trx: Tx) => trx('notification_texts_version').where({ id: 1 }).increment('version', 1);

/**
 * Keeps an admin's texts of one mail in one language: a text equal to its default keeps no row (the mail
 * follows the default, and any later change of it); returns how many texts changed.
 */
export async function saveNotificationTexts(
  ctx: AppContext,
  actor: Actor,
  input: NotificationTextsInput,
): Promise<number> {
  requireAdmin(actor);
  const wanted = checkNotificationTexts(input);
  const keys = textsOf(input.template, input.language)
    .map((t) => t.key)
    .filter((k) => input.texts[k] !== undefined);
  const where = { template: input.template, language: input.language };
  return ctx.db.transaction(async (trx) => {
    // Locked first: two admins saving the same mail wait for each other, and each bump is seen.
    await trx('notification_texts_version').where({ id: 1 }).forUpdate().first('version');
    const saved = new Map(
      (await trx('notification_texts').where(where).select('key', 'value')).map((r): [string, string] => [
        r.key,
        r.value,
      ]),
    );
    let changed = 0;
    for (const key of keys) {
      const want = wanted.get(key);
      const had = saved.get(key);
      if (want === had) continue;
      changed += 1;
      if (want === undefined)
        await trx('notification_texts')
          .where({ ...where, key })
          .delete();
      else
        await trx('notification_texts')
          .insert({
            ...where,
            key,
            value: want,
            updated_by: actor.kind === 'user' ? actor.id : null,
            updated_at: new Date(),
          })
          .onConflict(['template', 'language', 'key'])
          .merge(['value', 'updated_by', 'updated_at']);
    }
    if (changed) await bumpVersion(trx);
    return changed;
  });
}

/** Back to the default for one text of one mail in one language; false when it was not reworded. */
export async function resetNotificationText(
  ctx: AppContext,
  actor: Actor,
  input: { template: string; language: string; key: string },
): Promise<boolean> {
  requireAdmin(actor);
  if (!textsOf(input.template, input.language).some((t) => t.key === input.key))
    throw new AppError('not_found', 'texts:notFound');
  return ctx.db.transaction(async (trx) => {
    await trx('notification_texts_version').where({ id: 1 }).forUpdate().first('version');
    const gone = await trx('notification_texts').where(input).delete();
    if (gone) await bumpVersion(trx);
    return gone > 0;
  });
}

/**
 * Mails the admin one mail with sample data and the texts of the form (saved or not), through the outbox and
 * the outbound worker like every notification, in the language being edited.
 */
export async function sendNotificationTextsTest(
  ctx: AppContext,
  actor: Actor,
  input: NotificationTextsInput,
): Promise<void> {
  requireAdmin(actor);
  if (actor.kind !== 'user') throw new AppError('forbidden', 'errors.forbidden');
  const texts = Object.fromEntries(checkNotificationTexts(input));
  await ctx.db.transaction((trx) =>
    writeOutbox(trx, [
      {
        event: 'texts.test',
        actorId: actor.id,
        payload: { template: input.template, language: input.language, texts },
      },
    ]),
  );
}
