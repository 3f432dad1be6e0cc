import { SCORES } from '../domain/satisfaction.js';
import { escapeHtml } from '../infra/escape-html.js';
import type { Strings } from './strings.js';

/**
 * The survey's five links (1–5), each opening the confirmation page with that score chosen: a row of buttons
 * in HTML, one line per score in text. Empty when the mail carries no survey.
 */
export function surveyLinks(
  tr: Strings,
  url: ((score: number) => string) | null,
): { survey_html: string; survey_text: string } {
  if (!url) return { survey_html: '', survey_text: '' };
  const label = (n: number) => tr(`mail:survey.score.${n}`);
  const cells = SCORES.map(
    (n) =>
      `<td style="padding:4px" align="center"><a href="${escapeHtml(url(n))}" style="display:inline-block;min-width:64px;padding:10px 6px;border:2px solid #1d4ed8;border-radius:6px;color:#1d4ed8;text-decoration:none;font-weight:700" title="${escapeHtml(label(n))}">${n}<br><span style="font-size:12px;font-weight:400">${escapeHtml(label(n))}</span></a></td>`,
  ).join('');
  return {
    survey_html: `<p style="margin:0 0 8px">${escapeHtml(tr('mail:survey.ask'))}</p><table role="presentation"><tr>${cells}</tr></table><p style="margin:8px 0 0;font-size:13px;color:#64748b">${escapeHtml(tr('mail:survey.note'))}</p>`,
    survey_text: `${tr('mail:survey.ask')}\n${SCORES.map((n) => `${n} (${label(n)}): ${url(n)}`).join('\n')}\n${tr('mail:survey.note')}`,
  };
}
