/** Strings of the ingest area, per language: texts the ingest writes into tickets when the mail gives none. */
export const ingest = {
  es: {
    noSubject: '(sin asunto)',
    noText: '(mensaje sin texto; ver adjuntos)',
    resolvedByMail: 'Resuelto por correo.',
    pendingByMail: '¿Puede darnos más información?',
    closedTicketReply: 'Respuesta recibida sobre el ticket cerrado {{ref}}.',
    // mail-decisions-a: what an agent is told when their mail was not applied (or applied with a warning).
    agentNotice: {
      agent_not_verified:
        'No hemos aplicado nada: no podemos comprobar que este correo lo haya enviado usted. Responda al aviso del ticket (lleva su firma de respuesta) o actúe desde el portal. Si no lo ha escrito usted, alguien está usando su dirección.',
      agent_without_ticket:
        'No hemos aplicado nada: el correo no indica ningún ticket. Responda al aviso del ticket o ponga su referencia (por ejemplo {{example}}) en el asunto.',
      effect_refused: 'No hemos aplicado {{what}} en el ticket {{ref}}: {{why}}',
      conflicting_commands:
        'No hemos aplicado nada en el ticket {{ref}}: el correo pide a la vez {{commands}}. Envíe una sola orden de estado (#resolver, #pendiente o #cerrar); una nota privada (#nota) va sin orden de estado.',
      requester_bounced:
        'Su respuesta está en el ticket {{ref}}, pero el correo del cliente ({{email}}) rebota desde el {{date}}: no le llegará por correo. Contacte con él por otra vía o corrija su dirección en el portal.',
      unknown_canned:
        'No hemos aplicado nada en el ticket {{ref}}: no hay ninguna respuesta predefinida activa llamada «{{name}}». Consulte la lista en Respuestas predefinidas del portal.',
      conflicting_canned:
        'No hemos aplicado nada en el ticket {{ref}}: el correo pide a la vez {{commands}}. Una respuesta predefinida que pide información o resuelve ya lleva su orden de estado; envíe una sola.',
      yourAnswer: 'su respuesta',
    },
  },
  en: {
    noSubject: '(no subject)',
    noText: '(message without text; see attachments)',
    resolvedByMail: 'Resolved by email.',
    pendingByMail: 'Could you give us more information?',
    closedTicketReply: 'Reply received about the closed ticket {{ref}}.',
    // mail-decisions-a: what an agent is told when their mail was not applied (or applied with a warning).
    agentNotice: {
      agent_not_verified:
        'Nothing was applied: we cannot verify that you sent this email. Reply to the ticket notification (it carries your reply signature) or act from the portal. If you did not write it, someone is using your address.',
      agent_without_ticket:
        'Nothing was applied: the email names no ticket. Reply to the ticket notification, or put its reference (for example {{example}}) in the subject.',
      effect_refused: '{{what}} was not applied to ticket {{ref}}: {{why}}',
      conflicting_commands:
        'Nothing was applied to ticket {{ref}}: the email asks for {{commands}} at once. Send a single status command (#resolve, #pending or #close); a private note (#note) goes without one.',
      requester_bounced:
        'Your answer is on ticket {{ref}}, but mail to the customer ({{email}}) has been bouncing since {{date}}: it will not reach them by email. Contact them another way, or fix their address in the portal.',
      unknown_canned:
        'Nothing was applied to ticket {{ref}}: there is no active canned answer called “{{name}}”. See the list under Canned answers in the portal.',
      conflicting_canned:
        'Nothing was applied to ticket {{ref}}: the email asks for {{commands}} at once. A canned answer that asks for information or resolves already carries its status command; send just one.',
      yourAnswer: 'Your answer',
    },
  },
  fr: {
    noSubject: '(sans objet)',
    noText: '(message sans texte ; voir les pièces jointes)',
    resolvedByMail: 'Résolu par e-mail.',
    pendingByMail: "Pourriez-vous nous donner plus d'informations ?",
    closedTicketReply: 'Réponse reçue au sujet du ticket fermé {{ref}}.',
    // mail-decisions-a: what an agent is told when their mail was not applied (or applied with a warning).
    agentNotice: {
      agent_not_verified:
        'Rien n’a été appliqué : nous ne pouvons pas vérifier que cet e-mail vient de vous. Répondez à la notification du ticket (elle porte votre signature de réponse) ou agissez depuis le portail. Si vous ne l’avez pas écrit, quelqu’un utilise votre adresse.',
      agent_without_ticket:
        'Rien n’a été appliqué : l’e-mail n’indique aucun ticket. Répondez à la notification du ticket, ou mettez sa référence (par exemple {{example}}) dans l’objet.',
      effect_refused: '{{what}} n’a pas été appliqué au ticket {{ref}} : {{why}}',
      conflicting_commands:
        'Rien n’a été appliqué au ticket {{ref}} : l’e-mail demande à la fois {{commands}}. Envoyez une seule commande d’état (#résoudre, #attente ou #fermer) ; une note privée (#note) s’envoie sans commande d’état.',
      requester_bounced:
        'Votre réponse est sur le ticket {{ref}}, mais les e-mails au client ({{email}}) sont rejetés depuis le {{date}} : elle ne lui parviendra pas par e-mail. Contactez-le autrement ou corrigez son adresse sur le portail.',
      unknown_canned:
        'Rien n’a été appliqué au ticket {{ref}} : aucune réponse type active ne s’appelle « {{name}} ». Consultez la liste dans Réponses types sur le portail.',
      conflicting_canned:
        'Rien n’a été appliqué au ticket {{ref}} : l’e-mail demande à la fois {{commands}}. Une réponse type qui demande des informations ou résout porte déjà sa commande d’état ; n’en envoyez qu’une.',
      yourAnswer: 'Votre réponse',
    },
  },
};
