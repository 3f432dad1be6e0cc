/** Strings of the ingest area, per language: texts the ingest writes into tickets when the mail gives none. */
export const ingest = {
  es: {
    noSubject: '(sin asunto)',
    noText: '(mensaje sin texto; ver adjuntos)',
    resolvedByMail: 'Resuelto por correo.',
    pendingByMail: '¿Puede darnos más información?',
    closedTicketReply: 'Respuesta recibida sobre el ticket cerrado {{ref}}.',
  },
  en: {
    noSubject: '(no subject)',
    noText: '(message without text; see attachments)',
    resolvedByMail: 'Resolved by email.',
    pendingByMail: 'Could you give us more information?',
    closedTicketReply: 'Reply received about the closed ticket {{ref}}.',
  },
  fr: {
    noSubject: '(sans objet)',
    noText: '(message sans texte ; voir les pièces jointes)',
    resolvedByMail: 'Résolu par e-mail.',
    pendingByMail: "Pourriez-vous nous donner plus d'informations ?",
    closedTicketReply: 'Réponse reçue au sujet du ticket fermé {{ref}}.',
  },
};
