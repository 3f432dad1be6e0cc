/** Strings of the notification mails, per language. Placeholders are filled and escaped by the templates. */
export const mail = {
  es: {
    gallery: {
      title: 'Correos enviados (desarrollo)',
      folder: 'Sin SMTP_URL, los correos se guardan en {{dir}}.',
      empty: 'Todavía no hay correos.',
      date: 'Fecha',
      to: 'Para',
      subject: 'Asunto',
      back: 'Volver a la lista',
      text: 'Texto plano',
      sent: 'Correos enviados',
      templates: 'Plantillas',
      templatesIntro: 'Cada correo del producto con datos de ejemplo, en los tres idiomas.',
      template: 'Plantilla',
      from: 'De',
      replyTo: 'Responder a',
      messageId: 'Message-ID',
      inReplyTo: 'En respuesta a',
      language: 'Idioma',
      hidden:
        'Los enlaces de acceso, los tokens de respuesta y las contraseñas de este correo están ocultos: solo su destinatario los ve.',
      htmlTitle: 'Vista del correo',
    },
    queues: { title: 'Colas de correo' },
    hello: 'Hola, {{name}}:',
    team: 'equipo de soporte',
    viewTicket: 'Ver el ticket',
    portal: 'Ir al portal de soporte',
    replyHint: 'Puede responder a este correo: su respuesta se añade al ticket.',
    noReplyHint: 'Este mensaje es automático.',
    footer: 'Mensaje automático del soporte de {{company}}.',
    noSubject: '(sin asunto)',
    summary: {
      reference: 'Referencia',
      title: 'Título',
      status: 'Estado',
      category: 'Categoría',
      service: 'Servicio',
      requester: 'Solicitante',
    },
    created: {
      intro:
        'Hemos registrado su ticket con la referencia {{ref}}. Le escribiremos en cuanto haya novedades.',
    },
    new: { intro: '{{name}} ha abierto el ticket {{ref}}:' },
    followup: {
      intro: '{{name}} ha añadido un comentario al ticket {{ref}}:',
      privateIntro: '{{name}} ha añadido una nota interna al ticket {{ref}} (el cliente no la ve):',
    },
    pending: {
      intro: '{{name}} necesita más información para seguir con el ticket {{ref}}:',
      outro: 'El ticket queda en espera de su respuesta. Responda a este correo o desde el portal.',
    },
    status: { intro: 'El ticket {{ref}} ha pasado de «{{from}}» a «{{to}}».' },
    assigned: { intro: 'Se le ha asignado el ticket {{ref}}.', by: 'Asignado por {{name}}.' },
    resolved: {
      intro: '{{name}} ha propuesto una solución para el ticket {{ref}}:',
      ask: '¿Resuelve su problema? Apruebe la solución para cerrar el ticket, o recházela y díganos qué falta.',
      approve: 'Aprobar la solución',
      refuse: 'Rechazar la solución',
      autoClose_one: 'Sin respuesta, el ticket se cerrará en {{count}} día.',
      autoClose_other: 'Sin respuesta, el ticket se cerrará en {{count}} días.',
      linkNote: 'Los botones abren una página de confirmación; nada cambia hasta que confirme.',
    },
    approved: { intro: '{{name}} ha aprobado la solución del ticket {{ref}}. El ticket está cerrado.' },
    refused: {
      intro:
        '{{name}} ha rechazado la solución del ticket {{ref}}; el ticket vuelve a estar en curso. Motivo:',
    },
    closed: {
      intro: 'El ticket {{ref}} está cerrado.',
      outro: 'Si el problema vuelve, responda a este correo o abra un ticket nuevo.',
    },
    reopened: { intro: '{{name}} ha reabierto el ticket {{ref}}.' },
    merged: {
      intro:
        'Su ticket {{old}} trataba lo mismo que el ticket {{ref}}, así que los hemos unido: seguimos todo en {{ref}}. Use esta referencia a partir de ahora; si responde a un correo anterior, su respuesta también llegará aquí.',
    },
    invited: {
      subject: 'Su acceso al soporte de {{company}}',
      intro:
        'Le hemos creado una cuenta en el portal de soporte de {{company}}. Estos son sus datos de acceso:',
      login: 'Usuario:',
      password: 'Contraseña temporal:',
      change: 'Por seguridad, deberá cambiar esta contraseña la primera vez que entre.',
      button: 'Entrar en el portal',
    },
    reset: {
      subject: 'Restablecer su contraseña de {{company}}',
      intro:
        'Hemos recibido una petición para restablecer la contraseña de su cuenta de soporte de {{company}}.',
      button: 'Elegir una contraseña nueva',
      expiry:
        'El enlace caduca en una hora y sirve una sola vez. Si no lo ha pedido usted, ignore este correo.',
    },
    emailChange: {
      subject: 'Confirme su nueva dirección de correo',
      intro: 'Ha pedido usar {{email}} como dirección de su cuenta de soporte de {{company}}. Confírmelo:',
      button: 'Confirmar la dirección',
      expiry: 'El enlace caduca en 24 horas. Si no lo ha pedido usted, ignore este correo: nada cambiará.',
    },
    emailChanged: {
      subject: 'La dirección de su cuenta ha cambiado',
      intro:
        'La dirección de su cuenta de soporte de {{company}} es ahora {{email}}. Esta dirección ya no recibirá nuestros correos.',
      notYou:
        'Si no ha sido usted, recupere su dirección con este botón: se cerrarán todas las sesiones abiertas y podrá restablecer su contraseña.',
      button: 'No he sido yo: recuperar mi dirección',
      expiry: 'El enlace sirve durante 7 días.',
    },
    unknownSender: {
      intro:
        'Hemos recibido su mensaje «{{subject}}», pero {{email}} no es la dirección de ningún cliente registrado, así que no hemos abierto ningún ticket.',
      next: 'Si es cliente de {{company}}, escríbanos desde la dirección de su cuenta o entre en el portal de soporte.',
    },
    tooBig: {
      intro:
        'Hemos recibido su mensaje «{{subject}}», pero estos archivos superan el límite de {{limit}} y no se han guardado:',
      kept: 'El resto del mensaje sí se ha registrado.',
      keptOnTicket: 'El resto del mensaje se ha añadido al ticket {{ref}}.',
      next: 'Envíe archivos más pequeños (por ejemplo, comprimidos) o súbalos desde el portal.',
    },
    rejected: {
      unreadable: 'No hemos podido leer su mensaje «{{subject}}».',
      tooLarge: 'Su mensaje «{{subject}}» supera el tamaño máximo que aceptamos ({{limit}}).',
      next: 'Lo hemos guardado para que nuestro equipo lo revise. Si es urgente, abra un ticket desde el portal.',
    },
    // What happened, per recipient (subjects, own copies, wording by ticket type, files).
    senderName: 'Soporte {{company}}',
    footerPerson: 'Enviado desde el soporte de {{company}}.',
    subjectFormat: '{{label}}: {{title}}',
    labelValue: '{{label}}: {{value}}',
    files_one: 'Archivo adjunto:',
    files_other: 'Archivos adjuntos:',
    subject: {
      created: 'Ticket registrado',
      created_incident: 'Incidencia registrada',
      created_request: 'Solicitud registrada',
      new: 'Nuevo ticket',
      new_incident: 'Nueva incidencia',
      new_request: 'Nueva solicitud',
      followup: 'Nuevo seguimiento',
      note: 'Nota interna',
      pending: 'Le pedimos información',
      status: 'Pasa a «{{status}}»',
      assigned: 'Asignado a usted',
      resolved: 'Solución propuesta',
      approved: 'Solución aprobada',
      refused: 'Solución rechazada',
      closed: 'Cerrado',
      reopened: 'Reabierto',
      awaitingDecision: '¿Resuelto? Apruebe o rechace la solución',
      merged: 'Tickets unidos',
      createdOutage: 'Avería conocida en su zona',
      outageUpdate: 'Novedades de la avería',
      survey: '¿Qué tal le atendimos?',
    },
    typed: {
      created_incident:
        'Hemos registrado su incidencia con la referencia {{ref}}. Le escribiremos en cuanto haya novedades.',
      created_request:
        'Hemos registrado su solicitud con la referencia {{ref}}. Le escribiremos en cuanto haya novedades.',
      new_incident: '{{name}} ha comunicado la incidencia {{ref}}:',
      new_request: '{{name}} ha abierto la solicitud {{ref}}:',
    },
    own: {
      followup: 'Hemos añadido su mensaje al ticket {{ref}}. Esto es lo que nos ha enviado:',
      followupFiles: 'Hemos añadido sus documentos al ticket {{ref}}.',
      approved:
        'Ha aprobado la solución del ticket {{ref}}: el ticket queda cerrado. Gracias por confirmarlo.',
      refused:
        'Ha rechazado la solución del ticket {{ref}}: lo hemos reabierto y seguimos trabajando en él. Su motivo:',
      reopened: 'Ha reabierto el ticket {{ref}}.',
    },
    filesIntro: '{{name}} ha añadido documentos al ticket {{ref}}.',
    // mail-decisions-a: answers about mail decisions.
    awaitingDecision: {
      intro: 'Hemos añadido su mensaje al ticket {{ref}}:',
      ask: 'El ticket sigue resuelto: un mensaje no cambia nada por sí solo. ¿La solución resuelve su problema? Apruébela para cerrar el ticket, o recházela para que sigamos trabajando en él.',
    },
    solutionReplyRule:
      'Si responde a este correo, su mensaje se añade al ticket sin cambiar su estado. Para rechazar la solución por correo, empiece su respuesta con «No funciona» o #rechazar.',
    agentNotice: { intro: 'Sobre su correo «{{subject}}»:' },
    // mail-decisions-b
    outage: {
      createdIntro:
        'Hemos registrado su ticket con la referencia {{ref}}. Se debe a una avería conocida en su zona, que nuestros técnicos ya están reparando:',
      updateIntro: 'Novedades sobre la avería que afecta a su ticket {{ref}}:',
      estimate: 'Estimación de restablecimiento: {{when}}.',
      noNeed:
        'No hace falta que haga nada más: le avisaremos de cada novedad y cuando el servicio esté restablecido le enviaremos la solución.',
    },
    createdFollows: {
      intro:
        'El ticket {{old}} ya estaba cerrado, así que su respuesta ha abierto un ticket nuevo con la referencia {{ref}}. Use esta nueva referencia a partir de ahora.',
    },
    sla: {
      answerBy: 'Le responderemos antes del {{when}}.',
      clock_first_answer: 'primera respuesta',
      clock_resolution: 'resolución',
      warningSubject: 'Aviso de SLA, vence pronto la {{clock}}',
      breachSubject: 'SLA vencido ({{clock}})',
      warningIntro:
        'El plazo de {{clock}} del ticket {{ref}} vence el {{when}} y queda poco tiempo. Atiéndalo cuanto antes.',
      breachIntro:
        'El plazo de {{clock}} del ticket {{ref}} venció el {{when}}. Se escala a los responsables del equipo.',
    },
    survey: {
      intro: 'El ticket {{ref}} está cerrado. ¿Nos dice qué tal le atendimos? Es un clic.',
      ask: '¿Qué tal le atendimos con este ticket? Elija una nota (1 = muy mal, 5 = muy bien):',
      note: 'El enlace abre una página donde puede confirmar la nota y añadir un comentario.',
      score: { '1': 'Muy mal', '2': 'Mal', '3': 'Regular', '4': 'Bien', '5': 'Muy bien' },
    },
    digest: {
      subject: 'Cuarentena: {{count}} mensajes retenidos nuevos',
      intro:
        'Desde el último aviso se han retenido {{count}} mensajes. Revíselos: puede liberarlos o descartarlos.',
      button: 'Abrir la cuarentena',
    },
    webhookDisabled: {
      subject: 'Webhook desactivado: {{url}}',
      intro:
        'El webhook {{url}} lleva fallando desde el {{since}}, sin ninguna entrega correcta (más de {{days}} días), así que lo hemos desactivado.',
      effect:
        'Mientras esté desactivado no se le envía ningún evento. Cuando el receptor vuelva a responder, actívelo de nuevo en la administración de webhooks y pruébelo con un evento de prueba.',
      button: 'Abrir los webhooks',
    },
  },
  en: {
    gallery: {
      title: 'Sent mail (development)',
      folder: 'Without SMTP_URL, mails are kept in {{dir}}.',
      empty: 'No mail yet.',
      date: 'Date',
      to: 'To',
      subject: 'Subject',
      back: 'Back to the list',
      text: 'Plain text',
      sent: 'Sent mail',
      templates: 'Templates',
      templatesIntro: 'Every mail of the product with sample data, in the three languages.',
      template: 'Template',
      from: 'From',
      replyTo: 'Reply to',
      messageId: 'Message-ID',
      inReplyTo: 'In reply to',
      language: 'Language',
      hidden:
        'Sign-in links, reply tokens and passwords in this mail are hidden: only its recipient sees them.',
      htmlTitle: 'The mail as sent',
    },
    queues: { title: 'Mail queues' },
    hello: 'Hello {{name}},',
    team: 'support team',
    viewTicket: 'View the ticket',
    portal: 'Go to the support portal',
    replyHint: 'You can reply to this email: your answer is added to the ticket.',
    noReplyHint: 'This is an automatic message.',
    footer: 'Automatic message from {{company}} support.',
    noSubject: '(no subject)',
    summary: {
      reference: 'Reference',
      title: 'Title',
      status: 'Status',
      category: 'Category',
      service: 'Service',
      requester: 'Requester',
    },
    created: {
      intro:
        'We have registered your ticket under reference {{ref}}. We will write to you as soon as there is news.',
    },
    new: { intro: '{{name}} opened ticket {{ref}}:' },
    followup: {
      intro: '{{name}} added a comment to ticket {{ref}}:',
      privateIntro: '{{name}} added an internal note to ticket {{ref}} (the customer does not see it):',
    },
    pending: {
      intro: '{{name}} needs more information to go on with ticket {{ref}}:',
      outro: 'The ticket waits for your answer. Reply to this email or use the portal.',
    },
    status: { intro: 'Ticket {{ref}} went from “{{from}}” to “{{to}}”.' },
    assigned: { intro: 'Ticket {{ref}} has been assigned to you.', by: 'Assigned by {{name}}.' },
    resolved: {
      intro: '{{name}} proposed a solution for ticket {{ref}}:',
      ask: 'Does it solve your problem? Approve the solution to close the ticket, or refuse it and tell us what is missing.',
      approve: 'Approve the solution',
      refuse: 'Refuse the solution',
      autoClose_one: 'Without an answer, the ticket closes in {{count}} day.',
      autoClose_other: 'Without an answer, the ticket closes in {{count}} days.',
      linkNote: 'The buttons open a confirmation page; nothing changes until you confirm.',
    },
    approved: { intro: '{{name}} approved the solution of ticket {{ref}}. The ticket is closed.' },
    refused: {
      intro: '{{name}} refused the solution of ticket {{ref}}; the ticket is back in progress. Reason:',
    },
    closed: {
      intro: 'Ticket {{ref}} is closed.',
      outro: 'If the problem comes back, reply to this email or open a new ticket.',
    },
    reopened: { intro: '{{name}} reopened ticket {{ref}}.' },
    merged: {
      intro:
        'Your ticket {{old}} was about the same thing as ticket {{ref}}, so we have merged them: everything continues in {{ref}}. Please use this reference from now on; if you reply to an earlier email, your reply will still arrive here.',
    },
    invited: {
      subject: 'Your access to {{company}} support',
      intro:
        'We have created an account for you on the {{company}} support portal. Here are your credentials:',
      login: 'Login:',
      password: 'Temporary password:',
      change: 'For your security, you will be asked to change this password the first time you sign in.',
      button: 'Sign in to the portal',
    },
    reset: {
      subject: 'Reset your {{company}} password',
      intro: 'We received a request to reset the password of your {{company}} support account.',
      button: 'Choose a new password',
      expiry: 'The link expires in one hour and works once. If you did not ask for it, ignore this email.',
    },
    emailChange: {
      subject: 'Confirm your new email address',
      intro: 'You asked to use {{email}} as the address of your {{company}} support account. Please confirm:',
      button: 'Confirm the address',
      expiry:
        'The link expires in 24 hours. If you did not ask for it, ignore this email: nothing will change.',
    },
    emailChanged: {
      subject: 'The address of your account has changed',
      intro:
        'The address of your {{company}} support account is now {{email}}. This address will no longer receive our emails.',
      notYou:
        'If this was not you, take your address back with this button: every open session is signed out and you can then reset your password.',
      button: 'This was not me: restore my address',
      expiry: 'The link works for 7 days.',
    },
    unknownSender: {
      intro:
        'We received your message “{{subject}}”, but {{email}} is not the address of a registered customer, so no ticket was opened.',
      next: 'If you are a {{company}} customer, write from your account’s address or sign in to the support portal.',
    },
    tooBig: {
      intro:
        'We received your message “{{subject}}”, but these files are over the {{limit}} limit and were not kept:',
      kept: 'The rest of the message was registered.',
      keptOnTicket: 'The rest of the message was added to ticket {{ref}}.',
      next: 'Send smaller files (compressed, for example) or upload them on the portal.',
    },
    rejected: {
      unreadable: 'We could not read your message “{{subject}}”.',
      tooLarge: 'Your message “{{subject}}” is over the largest size we accept ({{limit}}).',
      next: 'We kept it for our team to review. If it is urgent, open a ticket on the portal.',
    },
    // What happened, per recipient (subjects, own copies, wording by ticket type, files).
    senderName: '{{company}} Support',
    footerPerson: 'Sent from {{company}} support.',
    subjectFormat: '{{label}}: {{title}}',
    labelValue: '{{label}}: {{value}}',
    files_one: 'Attached file:',
    files_other: 'Attached files:',
    subject: {
      created: 'Ticket registered',
      created_incident: 'Incident registered',
      created_request: 'Request registered',
      new: 'New ticket',
      new_incident: 'New incident',
      new_request: 'New request',
      followup: 'New follow-up',
      note: 'Internal note',
      pending: 'We need information from you',
      status: 'Now “{{status}}”',
      assigned: 'Assigned to you',
      resolved: 'Solution proposed',
      approved: 'Solution approved',
      refused: 'Solution refused',
      closed: 'Closed',
      reopened: 'Reopened',
      awaitingDecision: 'Fixed? Approve or refuse the solution',
      merged: 'Tickets merged',
      createdOutage: 'Known outage in your area',
      outageUpdate: 'Outage update',
      survey: 'How did we do?',
    },
    typed: {
      created_incident:
        'We have registered your incident under reference {{ref}}. We will write to you as soon as there is news.',
      created_request:
        'We have registered your request under reference {{ref}}. We will write to you as soon as there is news.',
      new_incident: '{{name}} reported incident {{ref}}:',
      new_request: '{{name}} opened request {{ref}}:',
    },
    own: {
      followup: 'We added your message to ticket {{ref}}. This is what you sent:',
      followupFiles: 'We added your documents to ticket {{ref}}.',
      approved:
        'You approved the solution of ticket {{ref}}: the ticket is now closed. Thank you for confirming.',
      refused:
        'You refused the solution of ticket {{ref}}: we have reopened the ticket and keep working on your problem. Your reason:',
      reopened: 'You reopened ticket {{ref}}.',
    },
    filesIntro: '{{name}} added documents to ticket {{ref}}.',
    // mail-decisions-a: answers about mail decisions.
    awaitingDecision: {
      intro: 'We have added your message to ticket {{ref}}:',
      ask: 'The ticket stays resolved: a message changes nothing by itself. Does the solution fix your problem? Approve it to close the ticket, or refuse it so that we keep working on your problem.',
    },
    solutionReplyRule:
      'If you reply to this email, your message is added to the ticket without changing its status. To refuse the solution by email, start your reply with “Not fixed” or #refuse.',
    agentNotice: { intro: 'About your email “{{subject}}”:' },
    // mail-decisions-b
    outage: {
      createdIntro:
        'We have logged your ticket with reference {{ref}}. It is caused by a known outage in your area, which our technicians are already repairing:',
      updateIntro: 'An update on the outage affecting your ticket {{ref}}:',
      estimate: 'Estimated restoration: {{when}}.',
      noNeed:
        'There is nothing more you need to do: we will keep you posted, and send you the solution once service is restored.',
    },
    createdFollows: {
      intro:
        'Ticket {{old}} was already closed, so your reply opened a new ticket with reference {{ref}}. Please use this new reference from now on.',
    },
    sla: {
      answerBy: 'We will answer you by {{when}}.',
      clock_first_answer: 'first answer',
      clock_resolution: 'resolution',
      warningSubject: 'SLA warning, {{clock}} due soon',
      breachSubject: 'SLA breached ({{clock}})',
      warningIntro:
        'The {{clock}} target of ticket {{ref}} is due on {{when}} and time is running out. Please deal with it now.',
      breachIntro:
        'The {{clock}} target of ticket {{ref}} was due on {{when}} and has been missed. It is escalated to the team leads.',
    },
    survey: {
      intro: 'Ticket {{ref}} is closed. Would you tell us how we did? It takes one click.',
      ask: 'How did we do on this ticket? Pick a score (1 = very poor, 5 = very good):',
      note: 'The link opens a page where you confirm the score and can add a comment.',
      score: { '1': 'Very poor', '2': 'Poor', '3': 'Fair', '4': 'Good', '5': 'Very good' },
    },
    digest: {
      subject: 'Quarantine: {{count}} newly held messages',
      intro:
        '{{count}} messages were held since the last notice. Please review them: you can release or discard each.',
      button: 'Open the quarantine',
    },
    webhookDisabled: {
      subject: 'Webhook disabled: {{url}}',
      intro:
        'The webhook {{url}} has been failing since {{since}} without a single successful delivery (more than {{days}} days), so it has been disabled.',
      effect:
        'While it is disabled, it gets no events. Once the receiver answers again, enable it in the webhooks admin and check it with a test event.',
      button: 'Open the webhooks',
    },
  },
  fr: {
    gallery: {
      title: 'Courriels envoyés (développement)',
      folder: 'Sans SMTP_URL, les courriels sont conservés dans {{dir}}.',
      empty: 'Aucun courriel pour l’instant.',
      date: 'Date',
      to: 'À',
      subject: 'Objet',
      back: 'Retour à la liste',
      text: 'Texte brut',
      sent: 'Courriels envoyés',
      templates: 'Modèles',
      templatesIntro: 'Chaque courriel du produit avec des données d’exemple, dans les trois langues.',
      template: 'Modèle',
      from: 'De',
      replyTo: 'Répondre à',
      messageId: 'Message-ID',
      inReplyTo: 'En réponse à',
      language: 'Langue',
      hidden:
        'Les liens de connexion, les jetons de réponse et les mots de passe de ce courriel sont masqués : seul son destinataire les voit.',
      htmlTitle: 'Le courriel tel qu’envoyé',
    },
    queues: { title: 'Files de courriels' },
    hello: 'Bonjour {{name}},',
    team: 'équipe support',
    viewTicket: 'Voir le ticket',
    portal: 'Aller au portail support',
    replyHint: 'Vous pouvez répondre à ce message : votre réponse est ajoutée au ticket.',
    noReplyHint: 'Ce message est automatique.',
    footer: 'Message automatique du support {{company}}.',
    noSubject: '(sans objet)',
    summary: {
      reference: 'Référence',
      title: 'Titre',
      status: 'État',
      category: 'Catégorie',
      service: 'Service',
      requester: 'Demandeur',
    },
    created: {
      intro:
        'Nous avons enregistré votre ticket sous la référence {{ref}}. Nous vous écrirons dès qu’il y aura du nouveau.',
    },
    new: { intro: '{{name}} a ouvert le ticket {{ref}} :' },
    followup: {
      intro: '{{name}} a ajouté un commentaire au ticket {{ref}} :',
      privateIntro: '{{name}} a ajouté une note interne au ticket {{ref}} (le client ne la voit pas) :',
    },
    pending: {
      intro: '{{name}} a besoin de précisions pour avancer sur le ticket {{ref}} :',
      outro: 'Le ticket attend votre réponse. Répondez à ce message ou passez par le portail.',
    },
    status: { intro: 'Le ticket {{ref}} est passé de « {{from}} » à « {{to}} ».' },
    assigned: { intro: 'Le ticket {{ref}} vous a été attribué.', by: 'Attribué par {{name}}.' },
    resolved: {
      intro: '{{name}} a proposé une solution pour le ticket {{ref}} :',
      ask: 'Votre problème est-il résolu ? Approuvez la solution pour clore le ticket, ou refusez-la et dites-nous ce qui manque.',
      approve: 'Approuver la solution',
      refuse: 'Refuser la solution',
      autoClose_one: 'Sans réponse, le ticket sera clos dans {{count}} jour.',
      autoClose_other: 'Sans réponse, le ticket sera clos dans {{count}} jours.',
      linkNote: 'Les boutons ouvrent une page de confirmation ; rien ne change avant votre confirmation.',
    },
    approved: { intro: '{{name}} a approuvé la solution du ticket {{ref}}. Le ticket est clos.' },
    refused: {
      intro: '{{name}} a refusé la solution du ticket {{ref}} ; le ticket est de nouveau en cours. Motif :',
    },
    closed: {
      intro: 'Le ticket {{ref}} est clos.',
      outro: 'Si le problème revient, répondez à ce message ou ouvrez un nouveau ticket.',
    },
    reopened: { intro: '{{name}} a rouvert le ticket {{ref}}.' },
    merged: {
      intro:
        'Votre ticket {{old}} portait sur la même chose que le ticket {{ref}} : nous les avons donc regroupés et tout se poursuit dans {{ref}}. Merci d’utiliser désormais cette référence ; si vous répondez à un e-mail précédent, votre réponse arrivera quand même ici.',
    },
    invited: {
      subject: 'Votre accès au support {{company}}',
      intro: 'Nous vous avons créé un compte sur le portail support de {{company}}. Voici vos identifiants :',
      login: 'Identifiant :',
      password: 'Mot de passe temporaire :',
      change: 'Par sécurité, vous devrez changer ce mot de passe à la première connexion.',
      button: 'Se connecter au portail',
    },
    reset: {
      subject: 'Réinitialiser votre mot de passe {{company}}',
      intro:
        'Nous avons reçu une demande de réinitialisation du mot de passe de votre compte support {{company}}.',
      button: 'Choisir un nouveau mot de passe',
      expiry:
        'Le lien expire dans une heure et ne sert qu’une fois. Si vous n’êtes pas à l’origine de la demande, ignorez ce message.',
    },
    emailChange: {
      subject: 'Confirmez votre nouvelle adresse e-mail',
      intro:
        'Vous avez demandé à utiliser {{email}} pour votre compte support {{company}}. Merci de confirmer :',
      button: 'Confirmer l’adresse',
      expiry:
        'Le lien expire dans 24 heures. Si vous n’êtes pas à l’origine de la demande, ignorez ce message : rien ne changera.',
    },
    emailChanged: {
      subject: 'L’adresse de votre compte a changé',
      intro:
        'L’adresse de votre compte support {{company}} est désormais {{email}}. Cette adresse ne recevra plus nos messages.',
      notYou:
        'Si vous n’êtes pas à l’origine de ce changement, récupérez votre adresse avec ce bouton : toutes les sessions ouvertes seront fermées et vous pourrez réinitialiser votre mot de passe.',
      button: 'Ce n’était pas moi : récupérer mon adresse',
      expiry: 'Le lien reste valable 7 jours.',
    },
    unknownSender: {
      intro:
        'Nous avons reçu votre message « {{subject}} », mais {{email}} n’est l’adresse d’aucun client enregistré : aucun ticket n’a été ouvert.',
      next: 'Si vous êtes client de {{company}}, écrivez depuis l’adresse de votre compte ou connectez-vous au portail support.',
    },
    tooBig: {
      intro:
        'Nous avons reçu votre message « {{subject}} », mais ces fichiers dépassent la limite de {{limit}} et n’ont pas été conservés :',
      kept: 'Le reste du message a bien été enregistré.',
      keptOnTicket: 'Le reste du message a été ajouté au ticket {{ref}}.',
      next: 'Envoyez des fichiers plus petits (compressés par exemple) ou déposez-les sur le portail.',
    },
    rejected: {
      unreadable: 'Nous n’avons pas pu lire votre message « {{subject}} ».',
      tooLarge: 'Votre message « {{subject}} » dépasse la taille maximale acceptée ({{limit}}).',
      next: 'Nous l’avons conservé pour examen par notre équipe. En cas d’urgence, ouvrez un ticket sur le portail.',
    },
    // What happened, per recipient (subjects, own copies, wording by ticket type, files).
    senderName: 'Support {{company}}',
    footerPerson: 'Envoyé par le support {{company}}.',
    subjectFormat: '{{label}} : {{title}}',
    labelValue: '{{label}} : {{value}}',
    files_one: 'Pièce jointe :',
    files_other: 'Pièces jointes :',
    subject: {
      created: 'Ticket enregistré',
      created_incident: 'Incident enregistré',
      created_request: 'Demande enregistrée',
      new: 'Nouveau ticket',
      new_incident: 'Nouvel incident',
      new_request: 'Nouvelle demande',
      followup: 'Nouveau suivi',
      note: 'Note interne',
      pending: 'Nous avons besoin d’informations',
      status: 'Passe à « {{status}} »',
      assigned: 'Vous est attribué',
      resolved: 'Solution proposée',
      approved: 'Solution approuvée',
      refused: 'Solution refusée',
      closed: 'Clos',
      reopened: 'Rouvert',
      awaitingDecision: 'Résolu ? Approuvez ou refusez la solution',
      merged: 'Tickets regroupés',
      createdOutage: 'Panne connue dans votre secteur',
      outageUpdate: 'Point sur la panne',
      survey: 'Votre avis sur notre aide',
    },
    typed: {
      created_incident:
        'Nous avons enregistré votre incident sous la référence {{ref}}. Nous vous écrirons dès qu’il y aura du nouveau.',
      created_request:
        'Nous avons enregistré votre demande sous la référence {{ref}}. Nous vous écrirons dès qu’il y aura du nouveau.',
      new_incident: '{{name}} a signalé l’incident {{ref}} :',
      new_request: '{{name}} a ouvert la demande {{ref}} :',
    },
    own: {
      followup: 'Nous avons ajouté votre message au ticket {{ref}}. Voici ce que vous nous avez envoyé :',
      followupFiles: 'Nous avons ajouté vos documents au ticket {{ref}}.',
      approved:
        'Vous avez approuvé la solution du ticket {{ref}} : le ticket est désormais clos. Merci de votre confirmation.',
      refused:
        'Vous avez refusé la solution du ticket {{ref}} : nous l’avons rouvert et continuons à y travailler. Votre motif :',
      reopened: 'Vous avez rouvert le ticket {{ref}}.',
    },
    filesIntro: '{{name}} a ajouté des documents au ticket {{ref}}.',
    // mail-decisions-a: answers about mail decisions.
    awaitingDecision: {
      intro: 'Nous avons ajouté votre message au ticket {{ref}} :',
      ask: 'Le ticket reste résolu : un message ne change rien à lui seul. La solution règle-t-elle votre problème ? Approuvez-la pour fermer le ticket, ou refusez-la pour que nous continuions à y travailler.',
    },
    solutionReplyRule:
      'Si vous répondez à cet e-mail, votre message est ajouté au ticket sans en changer l’état. Pour refuser la solution par e-mail, commencez votre réponse par « Ne fonctionne pas » ou #refuser.',
    agentNotice: { intro: 'À propos de votre e-mail « {{subject}} » :' },
    // mail-decisions-b
    outage: {
      createdIntro:
        'Nous avons enregistré votre ticket sous la référence {{ref}}. Il est dû à une panne connue dans votre secteur, que nos techniciens sont déjà en train de réparer :',
      updateIntro: 'Du nouveau sur la panne qui concerne votre ticket {{ref}} :',
      estimate: 'Rétablissement estimé : {{when}}.',
      noNeed:
        "Vous n'avez rien d'autre à faire : nous vous tiendrons informé de chaque nouveauté et vous enverrons la solution dès le rétablissement du service.",
    },
    createdFollows: {
      intro:
        'Le ticket {{old}} était déjà clos : votre réponse a ouvert un nouveau ticket, sous la référence {{ref}}. Merci d’utiliser désormais cette nouvelle référence.',
    },
    sla: {
      answerBy: 'Nous vous répondrons avant le {{when}}.',
      clock_first_answer: 'première réponse',
      clock_resolution: 'résolution',
      warningSubject: 'Alerte SLA, échéance de {{clock}} proche',
      breachSubject: 'SLA dépassé ({{clock}})',
      warningIntro:
        'Le délai de {{clock}} du ticket {{ref}} expire le {{when}} et il reste peu de temps. Traitez-le au plus vite.',
      breachIntro:
        'Le délai de {{clock}} du ticket {{ref}} a expiré le {{when}}. Le ticket est remonté aux responsables de l’équipe.',
    },
    survey: {
      intro:
        'Le ticket {{ref}} est clos. Pouvez-vous nous dire ce que vous avez pensé de notre aide ? Cela ne prend qu’un clic.',
      ask: 'Comment avons-nous traité ce ticket ? Choisissez une note (1 = très mal, 5 = très bien) :',
      note: 'Le lien ouvre une page où vous confirmez la note et pouvez ajouter un commentaire.',
      score: { '1': 'Très mal', '2': 'Mal', '3': 'Moyen', '4': 'Bien', '5': 'Très bien' },
    },
    digest: {
      subject: 'Quarantaine : {{count}} nouveaux messages retenus',
      intro:
        '{{count}} messages ont été retenus depuis le dernier avis. Merci de les examiner : vous pouvez libérer ou écarter chacun.',
      button: 'Ouvrir la quarantaine',
    },
    webhookDisabled: {
      subject: 'Webhook désactivé : {{url}}',
      intro:
        'Le webhook {{url}} échoue depuis le {{since}} sans aucune livraison réussie (plus de {{days}} jours) : nous l’avons donc désactivé.',
      effect:
        'Tant qu’il est désactivé, aucun événement ne lui est envoyé. Quand le récepteur répondra de nouveau, réactivez-le dans l’administration des webhooks et vérifiez-le avec un événement de test.',
      button: 'Ouvrir les webhooks',
    },
  },
};
