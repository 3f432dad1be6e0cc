import type Router from '@koa/router';
import { z } from 'zod';
import {
  checkNotificationTexts,
  type NotificationTextsInput,
  resetNotificationText,
  saveNotificationTexts,
  sendNotificationTextsTest,
} from '../../app/agent/notification-texts.js';
import {
  customisedCounts,
  notificationTextsOf,
  type SavedText,
} from '../../app/queries/notification-texts.js';
import { type Config, LANGUAGES } from '../../config/config.js';
import { EDITABLE_TEXTS, type EditableText } from '../../domain/notification-texts.js';
import { mailDefault, mailPlaceholders } from '../../i18n/mail-texts.js';
import { sampleData } from '../../outbound/samples.js';
import type { TextOverrides } from '../../outbound/strings.js';
import {
  compileTemplates,
  TEMPLATE_NAMES,
  type TemplateName,
  type Templates,
} from '../../outbound/templates.js';
import { field } from '../body.js';
import type { WebContext, WebState } from '../context.js';
import { formError } from '../form-error.js';
import { emptyForm, errorSummary, type FormState } from '../forms.js';
import { html, multiline, type SafeHtml } from '../html.js';
import { paramsInput } from '../input.js';
import { csrfField } from '../layout.js';
import { seeOther } from '../redirect.js';
import { setFlash } from '../session.js';
import { when } from './format.js';
import { adminOnly, staffActor } from './guard.js';
import { agentPage } from './page.js';

const BASE = '/agent/admin/notifications';
const MAIL = { template: z.enum(TEMPLATE_NAMES), lang: z.enum(LANGUAGES) };
const TEXT = { ...MAIL, key: z.string().max(100) };

/**
 * The edit page frames the mail's own HTML (srcdoc, sandboxed: no script, no same-origin), which inherits this
 * page's policy: its inline styles and remote images (a logo) are allowed here, nothing else is loosened.
 */
const PREVIEW_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const ROWS: Record<EditableText['kind'], number> = {
  subject: 1,
  greeting: 1,
  button: 1,
  footer: 2,
  paragraph: 3,
};

const mailUrl = (template: string, lang: string) => `${BASE}/${template}/${lang}`;
/** A text's form field: its key with dashes for dots (the body parser would read `a.b` as a nested object). */
const fieldName = (key: string) => key.replaceAll('.', '-');
const braces = (names: Iterable<string>) => [...names].map((n) => `{{${n}}}`).join(', ');

interface Preview {
  subject: string;
  html: string;
  text: string;
}

interface EditState {
  form: FormState;
  status?: number;
  preview: Preview | null;
  /** Said above the preview (the test mail went). */
  notice?: SafeHtml;
}

function textField(
  ctx: WebContext,
  template: string,
  lang: string,
  text: EditableText,
  form: FormState,
  saved: SavedText | undefined,
): SafeHtml {
  const { t } = ctx.state;
  const name = fieldName(text.key);
  const id = `f-${name}`;
  const err = form.errors[text.key];
  const allowed = mailPlaceholders(text.key);
  const described = [`${id}-hint`, `${id}-default`, err ? `${id}-error` : ''].filter(Boolean).join(' ');
  const params = form.message?.params ?? {};
  return html`<div class="field text-field${err ? ' has-error' : ''}" id="text-${name}">
<label for="${id}">${t(`texts:kinds.${text.kind}`)}${text.variant ? html` · ${t(`texts:variants.${text.variant}`)}` : ''} <code>${text.key}</code>${saved ? html` <span class="text-mark">${t('texts:customisedMark')}</span>` : ''}</label>
<p class="hint" id="${id}-hint">${t('texts:placeholders')} ${allowed.size ? html`<code>${braces(allowed)}</code>` : t('texts:none')}</p>
<textarea id="${id}" name="${name}" rows="${ROWS[text.kind]}" lang="${lang}" aria-describedby="${described}"${err ? html` aria-invalid="true"` : ''}>${form.values[text.key] ?? ''}</textarea>
<p class="text-default" id="${id}-default">${t('texts:defaultText')} <span lang="${lang}">${multiline(mailDefault(lang, text.key) ?? '')}</span></p>
${err ? html`<p class="field-error" id="${id}-error">${t(err, { ...params, names: params[`names:${text.key}`] ?? params.names ?? '', allowed: allowed.size ? braces(allowed) : t('texts:none') })}</p>` : ''}
${
  saved
    ? html`<p class="hint">${t('texts:changedBy', { name: saved.updatedBy ?? '—', when: when(ctx, saved.updatedAt) })}</p>
<button class="button" type="submit" formaction="${mailUrl(template, lang)}/reset/${text.key}" formnovalidate>${t('texts:reset')}<span class="visually-hidden">: ${t(`texts:kinds.${text.kind}`)} ${text.key}</span></button>`
    : ''
}
</div>`;
}

async function renderEdit(ctx: WebContext, template: TemplateName, lang: string, state: EditState) {
  const { t, s, user } = ctx.state;
  const saved = await notificationTextsOf(s.db, template, lang);
  const texts = EDITABLE_TEXTS[template] ?? [];
  const url = mailUrl(template, lang);
  const title = t('texts:editTitle', {
    mail: t(`texts:mails.${template}`),
    language: t(`agent:languages.${lang}`),
  });
  const p = state.preview;
  if (p) ctx.set('Content-Security-Policy', PREVIEW_CSP);
  await agentPage(ctx, {
    title,
    section: 'notifications',
    status: state.status,
    body: html`<p><a href="${BASE}">← ${t('texts:back')}</a></p>
<h1>${title}</h1>
<p class="lead"><code>${template}</code> · ${t('texts:plain')}</p>
<section class="card"><form method="post" action="${url}" novalidate>${await csrfField(ctx)}${errorSummary(t, state.form)}
${texts.map((text) => textField(ctx, template, lang, text, state.form, saved.get(text.key)))}
<p class="hint" id="texts-actions-hint">${t('texts:actionsHint', { email: user?.email ?? '' })}</p>
<div class="actions"><button class="button primary" type="submit">${t('texts:save')}</button>
<button class="button" type="submit" formaction="${url}/preview#preview" aria-describedby="texts-actions-hint">${t('texts:preview')}</button>
<button class="button" type="submit" formaction="${url}/test#preview" aria-describedby="texts-actions-hint">${t('texts:test')}</button></div>
</form></section>
${
  p
    ? html`<section class="card text-preview" id="preview" aria-labelledby="preview-title"><h2 id="preview-title">${t('texts:preview')}</h2>
${state.notice ?? ''}
<p>${t('texts:previewSubject')} <strong lang="${lang}">${p.subject}</strong></p>
<iframe sandbox srcdoc="${p.html}" title="${t('texts:previewFrame')}" width="100%" height="900"></iframe>
<details><summary>${t('texts:previewText')}</summary><p lang="${lang}">${multiline(p.text)}</p></details></section>`
    : ''
}`,
  });
}

/** Keys as the mail strings name them (`mail:key`), for the sample data. */
const overridesOf = (texts: Iterable<readonly [string, string]>): TextOverrides =>
  new Map([...texts].map(([k, v]): [string, string] => [`mail:${k}`, v]));

/** The admins' texts of a mail, through the compiled MJML layout the worker sends with, on sample data. */
function previewOf(
  templates: Templates,
  config: Config,
  template: TemplateName,
  lang: string,
  o: TextOverrides,
) {
  const data = sampleData(config, template, lang, o);
  const out = templates.render(template, data);
  return { subject: String(data.subject), html: out.html, text: out.text };
}

/** The form's texts, one per text of the mail ('' when absent: refused as empty). */
function formTexts(ctx: WebContext, template: TemplateName, lang: string): NotificationTextsInput {
  const keys = (EDITABLE_TEXTS[template] ?? []).map((t) => t.key);
  return {
    template,
    language: lang,
    texts: Object.fromEntries(keys.map((k) => [k, field(ctx, fieldName(k))])),
  };
}

/**
 * Admins reword the notification mails per language: the list of mails × languages with the customised ones
 * marked, and one page per mail and language with each text beside its default, a server-rendered preview
 * (no script needed), a test mail to the admin, and a way back to each default.
 */
export function mountNotificationTexts(r: Router<WebState>): void {
  let compiled: Promise<Templates> | null = null;
  const templates = (config: Config) => {
    compiled ??= compileTemplates(config);
    return compiled;
  };

  r.get(BASE, adminOnly, async (ctx) => {
    const { t, s } = ctx.state;
    const counts = await customisedCounts(s.db);
    const title = t('texts:title');
    await agentPage(ctx, {
      title,
      section: 'notifications',
      body: html`<h1>${title}</h1>
<p class="lead">${t('texts:intro')}</p>
<div class="table-wrap"><table class="data texts-list"><thead><tr><th scope="col">${t('texts:mail')}</th>${LANGUAGES.map((l) => html`<th scope="col">${t(`agent:languages.${l}`)}</th>`)}</tr></thead><tbody>
${TEMPLATE_NAMES.map((name) => {
  const mail = t(`texts:mails.${name}`);
  return html`<tr><th scope="row">${mail}<br><code>${name}</code></th>${LANGUAGES.map((l) => {
    const n = counts.get(`${name}/${l}`) ?? 0;
    return html`<td><a href="${mailUrl(name, l)}"${n ? html` class="text-mark"` : ''}><span class="visually-hidden">${mail}, ${t(`agent:languages.${l}`)}: </span>${n ? t('texts:customised', { count: n }) : t('texts:byDefault')}</a></td>`;
  })}</tr>`;
})}
</tbody></table></div>`,
    });
  });

  r.get(`${BASE}/:template/:lang`, adminOnly, async (ctx) => {
    const { template, lang } = paramsInput(ctx, MAIL);
    const saved = await notificationTextsOf(ctx.state.s.db, template, lang);
    const values = Object.fromEntries(
      (EDITABLE_TEXTS[template] ?? []).map((x) => [
        x.key,
        saved.get(x.key)?.value ?? mailDefault(lang, x.key) ?? '',
      ]),
    );
    const o = overridesOf([...saved].map(([k, v]): [string, string] => [k, v.value]));
    const preview = previewOf(await templates(ctx.state.s.config), ctx.state.s.config, template, lang, o);
    await renderEdit(ctx, template, lang, { form: emptyForm(values), preview });
  });

  r.post(`${BASE}/:template/:lang`, adminOnly, async (ctx) => {
    const { template, lang } = paramsInput(ctx, MAIL);
    const input = formTexts(ctx, template, lang);
    try {
      const count = await saveNotificationTexts(ctx.state.s.app, staffActor(ctx), input);
      setFlash(ctx, count ? 'texts:flash.saved' : 'texts:flash.unchanged', { count });
      seeOther(ctx, mailUrl(template, lang));
    } catch (err) {
      const { status, form } = formError(err, input.texts, ['invalid']);
      await renderEdit(ctx, template, lang, { form, status, preview: null });
    }
  });

  /** Preview and test re-render the form as typed (nothing is saved), with the preview of those texts. */
  const tryOut = (send: boolean) => async (ctx: WebContext) => {
    const { t, s, user } = ctx.state;
    const { template, lang } = paramsInput(ctx, MAIL);
    const input = formTexts(ctx, template, lang);
    try {
      const changed = checkNotificationTexts(input);
      if (send) await sendNotificationTextsTest(s.app, staffActor(ctx), input);
      const preview = previewOf(await templates(s.config), s.config, template, lang, overridesOf(changed));
      const notice = send
        ? html`<div class="notice success" role="status">${t('texts:flash.testSent', { email: user?.email ?? '' })}</div>`
        : undefined;
      await renderEdit(ctx, template, lang, { form: emptyForm(input.texts), preview, notice });
    } catch (err) {
      const { status, form } = formError(err, input.texts, ['invalid']);
      await renderEdit(ctx, template, lang, { form, status, preview: null });
    }
  };
  r.post(`${BASE}/:template/:lang/preview`, adminOnly, tryOut(false));
  r.post(`${BASE}/:template/:lang/test`, adminOnly, tryOut(true));

  r.post(`${BASE}/:template/:lang/reset/:key`, adminOnly, async (ctx) => {
    const { template, lang, key } = paramsInput(ctx, TEXT);
    await resetNotificationText(ctx.state.s.app, staffActor(ctx), { template, language: lang, key });
    setFlash(ctx, 'texts:flash.reset');
    seeOther(ctx, `${mailUrl(template, lang)}#text-${fieldName(key)}`);
  });
}
