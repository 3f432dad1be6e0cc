/** Strings of the administration hub: one page that lists every admin section with what it is for. */
export const admin = {
  es: {
    nav: 'Administración',
    title: 'Administración',
    intro: 'La configuración del servicio de soporte. Cada cambio queda registrado con su autor.',
    hint: {
      staff: 'Agentes y administradores: altas, roles, idioma y acceso.',
      import: 'Alta masiva de empresas, clientes y servicios desde un CSV.',
      teams: 'Equipos de agentes, sus miembros y responsables.',
      routing: 'Reglas ordenadas que asignan equipo, agente o urgencia a cada ticket nuevo.',
      sla: 'Calendarios laborables, festivos y objetivos de primera respuesta y resolución.',
      mailboxes: 'Direcciones de soporte, su remitente, su cuenta IMAP y su equipo.',
      notifications: 'El texto de cada correo que envía el servicio, en cada idioma, con vista previa.',
      audit: 'Quién cambió cuentas, roles, reglas, buzones y exportó o borró datos personales, y cuándo.',
      apiTokens: 'Claves de acceso a la API REST para otros sistemas, con permisos y revocables.',
      webhooks: 'Avisos firmados a otros sistemas (facturación, aprovisionamiento) cuando cambia un ticket.',
    },
  },
  en: {
    nav: 'Administration',
    title: 'Administration',
    intro: 'How the support desk is set up. Every change is recorded with who made it.',
    hint: {
      staff: 'Agents and administrators: accounts, roles, language and access.',
      import: 'Companies, customers and services in bulk from a CSV file.',
      teams: 'Teams of agents, their members and leads.',
      routing: 'Ordered rules that give each new ticket its team, agent or urgency.',
      sla: 'Business calendars, holidays and first-answer and resolution targets.',
      mailboxes: 'Support addresses, their sender name, IMAP account and team.',
      notifications: 'The wording of every mail the desk sends, in each language, with a preview.',
      audit:
        'Who changed accounts, roles, rules and mailboxes, or exported or erased personal data, and when.',
      apiTokens: 'Keys to the REST API for other systems, with scopes, revocable.',
      webhooks: 'Signed notices to other systems (billing, provisioning) when a ticket changes.',
    },
  },
  fr: {
    nav: 'Administration',
    title: 'Administration',
    intro: 'La configuration du support. Chaque modification est enregistrée avec son auteur.',
    hint: {
      staff: 'Agents et administrateurs : comptes, rôles, langue et accès.',
      import: 'Entreprises, clients et services en masse depuis un fichier CSV.',
      teams: 'Équipes d’agents, leurs membres et responsables.',
      routing: 'Règles ordonnées qui donnent à chaque nouveau ticket son équipe, son agent ou son urgence.',
      sla: 'Calendriers ouvrés, jours fériés et objectifs de première réponse et de résolution.',
      mailboxes: 'Adresses de support, leur expéditeur, leur compte IMAP et leur équipe.',
      notifications: 'Le texte de chaque courriel envoyé par le support, dans chaque langue, avec aperçu.',
      audit:
        'Qui a modifié comptes, rôles, règles et boîtes, ou exporté ou effacé des données personnelles, et quand.',
      apiTokens: 'Clés d’accès à l’API REST pour d’autres systèmes, avec droits, révocables.',
      webhooks: 'Avis signés vers d’autres systèmes (facturation, provisionnement) quand un ticket change.',
    },
  },
} as const;
