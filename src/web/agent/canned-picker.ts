import type { CannedAnswer, RenderedCanned } from '../../app/queries/canned-answers.js';
import type { CannedAction } from '../../db/tables.js';
import type { WebContext } from '../context.js';
import { errorSummary, type FormState, fileField, radioGroup, selectField, textArea } from '../forms.js';
import { html, type SafeHtml } from '../html.js';

/** What the answer form does when sent: the existing actions reply, ask (Pending) and solve (Resolve). */
export type AnswerThen = 'reply' | 'ask' | 'solve';
export const THEN_OF: Record<CannedAction, AnswerThen> = { none: 'reply', pending: 'ask', resolve: 'solve' };

/** One entry per name: the requester's language first, then Spanish, then the first one. */
function byName(list: readonly CannedAnswer[], lang: string): CannedAnswer[] {
  const out = new Map<string, CannedAnswer>();
  const rank = (a: CannedAnswer) => (a.language === lang ? 0 : a.language === 'es' ? 1 : 2);
  for (const a of list) {
    const k = `${a.owner_id ?? 0}:${a.name.toLowerCase()}`;
    const had = out.get(k);
    if (!had || rank(a) < rank(had)) out.set(k, a);
  }
  return [...out.values()];
}

/**
 * The answer with a canned text, without JavaScript: a GET form (`?canned=ID`) brings the page back with the
 * text rendered for this ticket in the answer box and its action chosen; the agent edits and sends it through
 * the usual reply, ask or solve.
 */
export function cannedAnswerSection(
  ctx: WebContext,
  o: {
    ticketId: number;
    requesterLanguage: string;
    answers: readonly CannedAnswer[];
    allowed: readonly AnswerThen[];
    form: FormState;
    open: boolean;
    picked: RenderedCanned | null;
    uploadCsrf: string;
    maxBytes: number;
    tooLarge: string;
  },
): SafeHtml {
  const { t } = ctx.state;
  const options = byName(o.answers, o.requesterLanguage);
  const picker = options.length
    ? html`<form method="get" action="/agent/tickets/${o.ticketId}#answer-form" class="canned-picker">
${selectField(
  t,
  { values: { canned: o.picked ? String(o.picked.answer.id) : '' }, errors: {} },
  {
    name: 'canned',
    label: t('canned:picker.choose'),
    options: options.map((a) => ({
      value: String(a.id),
      label: `${a.title} (${a.name})${a.owner_id === null ? '' : ` · ${t('canned:mine')}`}`,
    })),
  },
)}
<div class="actions"><button class="button" type="submit">${t('canned:picker.insert')}</button></div></form>`
    : html`<p class="empty">${t('canned:picker.none')}</p>`;
  const filled = o.picked
    ? html`<p class="notice info" role="status">${t('canned:picker.filled', {
        title: o.picked.answer.title,
        language: t(`agent:languages.${o.picked.answer.language}`),
      })}</p>`
    : '';
  return html`<details id="answer-form"${o.open ? html` open` : ''}><summary>${t('canned:picker.title')}</summary>
${picker}
<p><a href="/agent/canned">${t('canned:picker.manage')}</a></p>
${filled}
<form method="post" action="/agent/tickets/${o.ticketId}/answer?${o.uploadCsrf}" enctype="multipart/form-data" novalidate>
${errorSummary(t, o.form)}
${textArea(t, o.form, { name: 'body', label: t('canned:picker.body'), required: true, rows: 10 })}
${radioGroup(t, o.form, {
  name: 'sendAs',
  label: t('canned:picker.whenSent'),
  options: o.allowed.map((v) => ({
    value: v,
    label: t(`canned:picker.then${v === 'reply' ? 'Reply' : v === 'ask' ? 'Ask' : 'Solve'}`),
  })),
})}
${fileField(t, o.form, {
  name: 'attachment',
  label: t('agent:actions.attachment'),
  hint: t('canned:picker.solveNoFiles'),
  maxBytes: o.maxBytes,
  tooLarge: o.tooLarge,
})}
<div class="actions"><button class="button primary" type="submit">${t('canned:picker.submit')}</button></div>
</form></details>`;
}
