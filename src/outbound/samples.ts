import { urls } from '../app/links.js';
import type { Config } from '../config/config.js';
import { formatReference } from '../domain/reference.js';
import { formatDue } from '../domain/sla-state.js';
import { translator } from '../i18n/i18n.js';
import { textToHtml } from './html.js';
import { outageData } from './outage-wording.js';
import { mailBound, stringsFor, type TextOverrides } from './strings.js';
import { surveyLinks } from './survey-links.js';
import type { TemplateName } from './templates.js';
import { filesList, slaWording, summary, ticketIntro, ticketSubject } from './ticket-wording.js';

const SAMPLE_BODY =
  'Hemos revisado la línea FTTH-4471: el puerto de la OLT estaba caído.\nLo hemos reiniciado y el enlace vuelve a sincronizar a 1 Gbps.';

/** The status each ticket mail is about, as its event left it. */
const STATUS_AT: Partial<Record<TemplateName, [string, string]>> = {
  'ticket-created': ['', 'new'],
  'ticket-new': ['', 'new'],
  'ticket-followup': ['in_progress', 'in_progress'],
  'ticket-pending': ['in_progress', 'pending'],
  'ticket-status': ['new', 'in_progress'],
  'ticket-assigned': ['new', 'in_progress'],
  'ticket-resolved': ['in_progress', 'resolved'],
  'ticket-approved': ['resolved', 'closed'],
  'ticket-refused': ['resolved', 'in_progress'],
  'ticket-closed': ['resolved', 'closed'],
  'ticket-reopened': ['closed', 'in_progress'],
  'ticket-merged': ['in_progress', 'in_progress'],
  'ticket-created-outage': ['', 'new'],
  'ticket-outage-update': ['new', 'new'],
  'ticket-survey': ['closed', 'closed'],
};

/** The known outage of the outage templates' samples, as app/incidents puts it in the outbox payload. */
const SAMPLE_OUTAGE = {
  title: {
    es: 'Corte de fibra en Valladolid norte',
    en: 'Fibre cut in north Valladolid',
    fr: 'Coupure de fibre à Valladolid nord',
  },
  text: {
    es: 'Unas obras han cortado el cable troncal del nodo VLL-03. Los técnicos ya están empalmando la fibra.',
    en: 'Road works have cut the trunk cable of node VLL-03. Our technicians are already splicing the fibre.',
    fr: 'Des travaux ont sectionné le câble principal du nœud VLL-03. Nos techniciens sont déjà en train de ressouder la fibre.',
  },
  estimatedEndAt: '2026-12-03T18:30:00.000Z',
};

const ACCOUNT_SUBJECTS: Partial<Record<TemplateName, string>> = {
  'account-invited': 'invited.subject',
  'password-reset': 'reset.subject',
  'email-change': 'emailChange.subject',
};

/**
 * Realistic data for a template, as a customer gets it, for the preview gallery, screenshots, the benchmark and
 * the admins' preview and test of their texts (`overrides`).
 */
export function sampleData(
  config: Config,
  name: TemplateName,
  lang: string,
  overrides?: TextOverrides,
): Record<string, unknown> {
  const tr = stringsFor(lang, overrides);
  const link = urls(config.PUBLIC_URL);
  const ref = formatReference(config.TICKET_PREFIX, 123);
  const title = 'Sin conexión en la sede de Valladolid';
  const [from, to] = STATUS_AT[name] ?? ['', 'in_progress'];
  const status = (s: string) => (s ? tr(`status.${s}`) : '');
  const wording = {
    template: name,
    type: 'incident',
    ref,
    ...(name === 'ticket-merged' ? { mergedRef: formatReference(config.TICKET_PREFIX, 121) } : {}),
    title,
    actorName: 'Marcos Ruiz',
    requesterName: 'Lucía Fernández',
    own: name === 'ticket-approved' || name === 'ticket-refused',
    customer: name !== 'ticket-new' && name !== 'ticket-assigned',
    isPrivate: false,
    hasBody: true,
    fromStatus: status(from),
    toStatus: status(to),
  };
  const ticketMail = name.startsWith('ticket-');
  const accountSubject = ACCOUNT_SUBJECTS[name];
  const due = formatDue(lang, config.DEFAULT_TIME_ZONE, new Date('2026-12-01T10:00:00Z'));
  const sla =
    name === 'sla-warning' || name === 'sla-breach'
      ? slaWording(tr, { template: name, clock: 'first_answer', ref, title, when: due })
      : null;
  const webhookUrl = 'https://crm.izarlink.example/hooks/izardesk';
  const subject = sla
    ? sla.subject
    : name === 'webhook-disabled'
      ? tr('mail:webhookDisabled.subject', { url: webhookUrl })
      : ticketMail
        ? ticketSubject(tr, wording)
        : accountSubject
          ? tr(`mail:${accountSubject}`, { company: config.COMPANY_NAME })
          : 'Re: Fotos del router';
  const intro = sla ? sla.intro : ticketMail ? ticketIntro(tr, wording) : '';
  const withFiles = name === 'ticket-followup' || name === 'ticket-created';
  return {
    t: mailBound(tr),
    lang,
    company: config.COMPANY_NAME,
    supportAddress: config.SUPPORT_ADDRESS,
    loginUrl: link.login(),
    subject,
    preview: intro || subject,
    intro,
    name: 'Lucía Fernández',
    email: 'lucia.fernandez@example.com',
    ref,
    title,
    ticketUrl: link.ticket(123),
    actorName: wording.actorName,
    requesterName: wording.requesterName,
    fromStatus: wording.fromStatus,
    toStatus: wording.toStatus,
    isPrivate: false,
    fromPerson: ['ticket-followup', 'ticket-pending', 'ticket-resolved'].includes(name),
    body_html: textToHtml(SAMPLE_BODY),
    body_text: SAMPLE_BODY,
    ...summary(tr, [
      ['reference', ref],
      ['title', title],
      ['status', status(to)],
      ['category', `${tr('type.incident')} · ${tr('category.total_outage')}`],
      ['service', 'Fibra 1 Gbps — FTTH-4471'],
    ]),
    ...(withFiles
      ? filesList(tr, [{ name: 'leds-router.jpg', size: 1_258_291 }])
      : { files_html: '', files_text: '' }),
    ...surveyLinks(
      tr,
      ['ticket-closed', 'ticket-approved', 'ticket-survey'].includes(name)
        ? (n) => link.survey('sample-token', n)
        : null,
    ),
    approveUrl: link.approve('sample-token'),
    refuseUrl: `${link.approve('sample-token')}?choice=refuse`,
    autoCloseDays: config.AUTO_CLOSE_DAYS,
    answerBy: name === 'ticket-created' ? due : '',
    replyHint: ticketMail ? 'replyHint' : 'noReplyHint',
    count: 2,
    quarantineUrl: `${config.PUBLIC_URL.replace(/\/+$/, '')}/agent/quarantine`,
    held_html:
      '<ul><li><strong>mailer@cliente.example</strong> — Factura — Remitente desconocido</li><li><strong>ana@cliente.example</strong> — Sin conexión — Posible suplantación (no autenticado)</li></ul>',
    held_text:
      '- mailer@cliente.example — Factura — Remitente desconocido\n- ana@cliente.example — Sin conexión — Posible suplantación (no autenticado)',
    password: 'Xq7mKp2vRt9wLs',
    resetUrl: link.resetPassword('sample-token'),
    newEmail: 'lucia@nueva-empresa.example',
    confirmUrl: link.confirmEmail('sample-token'),
    undoUrl: link.undoEmail('sample-token'),
    originalSubject: 'Fotos del router',
    reason:
      name === 'mail-agent-notice'
        ? translator(lang)('ingest:agentNotice.effect_refused', {
            what: '#resolve',
            ref,
            why: tr('errors.transitionInvalid'),
          })
        : 'unreadable',
    limit: '2 MB',
    webhookUrl,
    days: config.WEBHOOK_DISABLE_AFTER_DAYS,
    failingSince: due,
    webhookAdminUrl: link.webhook(1),
    ...outageData(name.includes('outage') ? SAMPLE_OUTAGE : null, lang, config.DEFAULT_TIME_ZONE),
    ...(name === 'mail-attachment-too-big'
      ? filesList(
          tr,
          [
            { name: 'router-1.jpg', size: 4_404_019 },
            { name: 'informe.pdf', size: 3_250_586 },
          ],
          false,
        )
      : {}),
  };
}
