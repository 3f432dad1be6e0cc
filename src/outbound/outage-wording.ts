import { z } from 'zod';
import { inLanguage, localizedSchema } from '../domain/incident-scope.js';
import { formatDue } from '../domain/sla-state.js';
import { textToHtml } from './html.js';

/** payload.outage of ticket.created and ticket.outage_update (app/incidents): the texts in every language. */
const outageSchema = z.object({
  title: localizedSchema,
  text: localizedSchema,
  estimatedEndAt: z.string().nullable(),
});

/** The known outage as a template shows it, in the recipient's language; blanks when the payload has none. */
export function outageData(
  outage: unknown,
  lang: string,
  timeZone: string,
): { outageTitle: string; outageEstimate: string; outage_html: string; outage_text: string } {
  const o = outageSchema.safeParse(outage);
  if (!o.success) return { outageTitle: '', outageEstimate: '', outage_html: '', outage_text: '' };
  const text = inLanguage(o.data.text, lang);
  const end = o.data.estimatedEndAt ? new Date(o.data.estimatedEndAt) : null;
  return {
    outageTitle: inLanguage(o.data.title, lang),
    outageEstimate: end && !Number.isNaN(end.getTime()) ? formatDue(lang, timeZone, end) : '',
    outage_html: textToHtml(text),
    outage_text: text,
  };
}
