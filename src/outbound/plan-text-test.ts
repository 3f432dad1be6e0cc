import { isLang, translator } from '../i18n/i18n.js';
import { type FamilyPlanner, person } from './plan.js';
import { sampleData } from './samples.js';
import { TEMPLATE_NAMES, type TemplateName } from './templates.js';

const isTemplate = (v: unknown): v is TemplateName =>
  typeof v === 'string' && (TEMPLATE_NAMES as readonly string[]).includes(v);

/**
 * texts.*: an admin's "send me a test" of a mail's texts, with sample data, to that admin, in the language being
 * edited. Not in the RULES of recipients.ts: the mail is the one the payload names, and its one recipient is
 * whoever asked for it (even after a bounce: they asked).
 */
export const planTextTest: FamilyPlanner = async ({ config, row, users, senderName }) => {
  const p = row.payload;
  const template = p.template;
  const lang = p.language;
  if (!isTemplate(template) || !isLang(lang) || row.actor_id === null) return [];
  const admin = (await users([row.actor_id])).get(row.actor_id);
  if (!admin?.active) return [];
  const texts = new Map<string, string>(
    Object.entries(typeof p.texts === 'object' && p.texts !== null ? p.texts : {}).flatMap(
      ([k, v]): [string, string][] => (typeof v === 'string' ? [[`mail:${k}`, v]] : []),
    ),
  );
  return [
    {
      recipient: { ...person(admin), language: lang, template },
      replyToken: null,
      async plan() {
        const data = sampleData(config, template, lang, texts);
        const subject = String(translator(lang)('texts:testSubject', { subject: String(data.subject) }));
        return {
          template,
          lang,
          subject,
          fromName: senderName(lang),
          ticketId: null,
          inReplyTo: null,
          references: [],
          data: { ...data, subject },
        };
      },
    },
  ];
};
