import { urls } from '../app/links.js';
import type { Config } from '../config/config.js';
import { formatReference } from '../domain/reference.js';
import { LABEL_STYLE, textToHtml, VALUE_STYLE } from './html.js';
import { mailStrings, stringsFor } from './strings.js';
import type { TemplateName } from './templates.js';

const SAMPLE_BODY =
  'Hemos revisado la línea FTTH-4471: el puerto de la OLT estaba caído.\nLo hemos reiniciado y el enlace vuelve a sincronizar a 1 Gbps.';

/** Realistic data for a template, for the preview gallery, screenshots and the benchmark. */
export function sampleData(config: Config, name: TemplateName, lang: string): Record<string, unknown> {
  const tr = stringsFor(lang);
  const link = urls(config.PUBLIC_URL);
  const ref = formatReference(config.TICKET_PREFIX, 123);
  const title = 'Sin conexión en la sede de Valladolid';
  const subject = name.startsWith('ticket-') ? `[${ref}] ${title}` : name;
  const rows: [string, string][] = [
    ['reference', ref],
    ['title', title],
    ['status', String(tr('status.in_progress'))],
    ['category', `${String(tr('type.incident'))} · ${String(tr('category.total_outage'))}`],
    ['service', 'Fibra 1 Gbps — FTTH-4471'],
  ];
  const label = (k: string) => String(tr(`mail:summary.${k}`));
  return {
    t: mailStrings(lang),
    lang,
    company: config.COMPANY_NAME,
    loginUrl: link.login(),
    subject,
    preview: subject,
    name: 'Lucía Fernández',
    email: 'lucia.fernandez@example.com',
    ref,
    title,
    ticketUrl: link.ticket(123),
    actorName: 'Marcos Ruiz',
    requesterName: 'Lucía Fernández',
    fromStatus: String(tr('status.new')),
    toStatus: String(tr('status.in_progress')),
    isPrivate: false,
    body_html: textToHtml(SAMPLE_BODY),
    body_text: SAMPLE_BODY,
    summary_html: `<table role="presentation">${rows.map(([k, v]) => `<tr><td style="${LABEL_STYLE}">${label(k)}</td><td style="${VALUE_STYLE}"><strong>${v}</strong></td></tr>`).join('')}</table>`,
    summary_text: rows.map(([k, v]) => `${label(k)}: ${v}`).join('\n'),
    approveUrl: link.approve('sample-token'),
    refuseUrl: `${link.approve('sample-token')}?choice=refuse`,
    autoCloseDays: config.AUTO_CLOSE_DAYS,
    replyHint: name.startsWith('ticket-') ? 'replyHint' : 'noReplyHint',
    password: 'Xq7mKp2vRt9wLs',
    resetUrl: link.resetPassword('sample-token'),
    newEmail: 'lucia@nueva-empresa.example',
    confirmUrl: link.confirmEmail('sample-token'),
    undoUrl: link.undoEmail('sample-token'),
    originalSubject: 'Fotos del router',
    reason: 'unreadable',
    limit: '2 MB',
    files_html: '<ul><li>router-1.jpg (4.2 MB)</li><li>informe.pdf (3.1 MB)</li></ul>',
    files_text: '- router-1.jpg (4.2 MB)\n- informe.pdf (3.1 MB)',
  };
}
