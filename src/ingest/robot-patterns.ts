/**
 * What robots write, as data: sender local parts and subject openings of delivery reports and out-of-office
 * replies. Matched case-insensitively against the decoded subject, at its start only, so that a customer who
 * forwards a bounce ("RV: Undeliverable: …") or writes about it in a sentence is still a person.
 * Add a line here when an MTA or a mail client writes something new; tests/fixtures/robots/ holds examples.
 */

/**
 * Local parts (before the @) that only machines use; a `*` stands for any run of characters. `bounce` senders
 * write delivery reports; `automated` ones send notifications nobody reads answers to.
 */
export const ROBOT_LOCAL_PARTS: Readonly<Record<'bounce' | 'automated', readonly string[]>> = {
  bounce: [
    'mailer-daemon',
    'mailerdaemon',
    'mail-daemon',
    'maildaemon',
    'postmaster',
    'bounce',
    'bounces',
    'bounce-*',
    'bounces-*',
    'bounce+*',
    'bounces+*',
    // Exchange and Microsoft 365 send their delivery reports from this mailbox.
    'microsoftexchange*',
  ],
  automated: [
    'noreply',
    'no-reply',
    'no_reply',
    'donotreply',
    'do-not-reply',
    'do_not_reply',
    'dontreply',
    '*-noreply',
    '*-no-reply',
    '*.noreply',
    'noreply-*',
    'no-reply-*',
    'noreply+*',
  ],
};

/** Subject openings of delivery reports (RFC 3464 notices and the text-only ones of older MTAs and carriers). */
export const BOUNCE_SUBJECTS: Readonly<Record<string, readonly string[]>> = {
  en: [
    'undelivered mail returned to sender',
    'mail delivery failed',
    'delivery status notification',
    'failure notice',
    'undeliverable:',
    'undeliverable mail',
    'mail system error',
    'delivery failure',
    'delivery has failed',
    'delivery notification: delivery has',
    'warning: could not send message',
    'message delayed',
    'delayed mail',
    'delivery delayed',
    'returned mail',
    'non-delivery report',
    'mail could not be delivered',
  ],
  es: [
    'no se puede entregar',
    'correo no entregado',
    'mensaje no entregado',
    'notificación de estado de entrega',
    'error de entrega',
    'no se pudo entregar',
  ],
  fr: [
    'non remis',
    'non distribuable',
    "notification d'état de distribution",
    'échec de la remise',
    'message non délivré',
    'retour de courrier',
  ],
  de: [
    'unzustellbar',
    'nicht zustellbar',
    'benachrichtigung zum übermittlungsstatus',
    'fehlgeschlagene zustellung',
  ],
  it: ['non recapitabile', 'mancato recapito', 'notifica stato recapito', 'impossibile recapitare'],
  pt: [
    'não é possível entregar',
    'nao e possivel entregar',
    'mensagem não entregue',
    'notificação de status de entrega',
    'falha na entrega',
  ],
  ja: [
    '配信エラー',
    '配信不能',
    '配送エラー',
    '送信エラー',
    'メール送信エラー',
    'メール配信エラー',
    'エラーメール',
    '未配達',
    '返送',
    'メールが届きませんでした',
  ],
  zh: ['系统退信', '退信', '邮件投递失败', '無法傳遞'],
  ru: ['недоставленное сообщение', 'не удалось доставить', 'возврат почты'],
  ko: ['반송', '메일 전송 실패'],
};

/**
 * Subject openings of out-of-office and other automatic replies sent without Auto-Submitted. Entries that end
 * with `:` need the colon (e.g. "Ausente:"), for words a person may also start a subject with.
 */
export const AUTO_REPLY_SUBJECTS: Readonly<Record<string, readonly string[]>> = {
  en: [
    'automatic reply',
    'auto reply',
    'auto-reply',
    'autoreply',
    'auto response',
    'auto-response',
    'autoresponse',
    'out of office',
    'out of the office',
    'away from the office',
    'away from my desk:',
    'on vacation:',
    'on leave:',
    'vacation reply',
    'read:',
    'not read:',
  ],
  es: [
    'respuesta automática',
    'respuesta automatica',
    'fuera de la oficina',
    'fuera de oficina',
    'ausente de la oficina',
    'ausencia de la oficina',
    'ausente:',
    'de vacaciones:',
    'estoy de vacaciones',
    'leído:',
    'no leído:',
  ],
  fr: [
    'réponse automatique',
    'reponse automatique',
    'absent du bureau',
    'absente du bureau',
    "message d'absence",
    'absence du bureau',
    'en congés:',
    'en congé:',
    'je suis absent',
    'je suis absente',
    'lu :',
    'lu:',
    'non lu :',
  ],
  de: [
    'automatische antwort',
    'abwesenheitsnotiz',
    'abwesenheitsmeldung',
    'abwesenheit:',
    'nicht im büro',
    'außer haus',
    'ausser haus',
    'gelesen:',
    'ungelesen:',
  ],
  it: [
    'risposta automatica',
    'fuori sede',
    'fuori ufficio',
    'assente dall’ufficio',
    "assente dall'ufficio",
    'in ferie:',
    'letto:',
    'non letto:',
  ],
  pt: [
    'resposta automática',
    'resposta automatica',
    'ausente do escritório',
    'fora do escritório',
    'fora do escritorio',
    'em férias:',
    'de férias:',
    'lida:',
    'não lida:',
  ],
};

/** MIME types of the machine-readable part of a report (RFC 3464, RFC 6533, RFC 8098, RFC 5965). */
export const REPORT_PART_TYPES: readonly string[] = [
  'message/delivery-status',
  'message/global-delivery-status',
  'message/disposition-notification',
  'message/global-disposition-notification',
  'message/feedback-report',
];
