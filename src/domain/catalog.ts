import { z } from 'zod';
import { AppError, type FieldErrors } from './errors.js';
import { oneLine } from './single-line.js';

/** Types, categories and their rules, as data: an installation may load its own (CATALOG_FILE). */
export const catalogSchema = z.object({
  types: z.record(
    z.string().min(1),
    z.object({
      categories: z.array(z.string().min(1)).min(1),
      /** Urgency values asked for this type; empty = not asked. */
      urgencies: z.array(z.string().min(1)),
    }),
  ),
  defaultEmailType: z.string().min(1),
  defaultEmailCategory: z.string().min(1),
  /**
   * How a mailed ticket is classified: the first rule (in order) with a keyword in the subject, else in the
   * body, gives type, category and, optionally, urgency; no match gives the two defaults above. Keywords are
   * matched as whole words, ignoring case and accents, per language (any language's keywords count).
   */
  emailRules: z
    .array(
      z.object({
        type: z.string().min(1),
        category: z.string().min(1),
        urgency: z.string().min(1).optional(),
        keywords: z.record(z.string().min(2), z.array(z.string().min(2))),
      }),
    )
    .default([]),
  maxAttachmentBytes: z.number().int().positive(),
  maxTitleLength: z.number().int().positive(),
  maxDescriptionLength: z.number().int().positive(),
  /** Characters of one follow-up (comment, note, solution...), from the web or by mail. */
  maxFollowupLength: z.number().int().positive().default(20_000),
});
export type Catalog = z.infer<typeof catalogSchema>;

export const DEFAULT_CATALOG: Catalog = {
  types: {
    incident: {
      categories: ['total_outage', 'slowness', 'packet_loss', 'performance'],
      urgencies: ['high', 'medium'],
    },
    request: {
      categories: [
        'technical',
        'administrative.billing',
        'administrative.information',
        'administrative.modification',
      ],
      urgencies: [],
    },
  },
  defaultEmailType: 'incident',
  defaultEmailCategory: 'performance',
  // Ordered: "cortes intermitentes" is packet loss before "corte" is an outage; incidents before requests.
  emailRules: [
    {
      type: 'incident',
      category: 'packet_loss',
      keywords: {
        es: [
          'pérdida de paquetes',
          'perdida de paquetes',
          'cortes intermitentes',
          'intermitente',
          'microcortes',
          'se corta',
        ],
        en: [
          'packet loss',
          'losing packets',
          'dropping packets',
          'intermittent',
          'keeps dropping',
          'drops out',
        ],
        fr: [
          'perte de paquets',
          'pertes de paquets',
          'coupures intermittentes',
          'intermittent',
          'microcoupures',
          'ça coupe',
        ],
      },
    },
    {
      type: 'incident',
      category: 'total_outage',
      urgency: 'high',
      keywords: {
        es: [
          'no tengo internet',
          'no hay internet',
          'sin internet',
          'sin conexión',
          'no hay conexión',
          'sin servicio',
          'sin línea',
          'no navega',
          'no navegamos',
          'caída',
          'caído',
          'corte',
          'no funciona internet',
          'no funciona la fibra',
        ],
        en: [
          'no internet',
          'internet is down',
          'internet down',
          'connection down',
          'no connection',
          'outage',
          'line is down',
          'line down',
          'offline',
          'no service',
        ],
        fr: [
          "pas d'internet",
          "plus d'internet",
          'pas de connexion',
          'plus de connexion',
          'aucune connexion',
          'coupure',
          'panne',
          'hors service',
          'ne fonctionne plus',
        ],
      },
    },
    {
      type: 'incident',
      category: 'slowness',
      keywords: {
        es: ['lento', 'lenta', 'lentitud', 'poca velocidad', 'baja velocidad', 'latencia', 'ping alto'],
        en: ['slow', 'slowness', 'low speed', 'latency', 'high ping', 'lag', 'lagging'],
        fr: [
          'lent',
          'lente',
          'lenteur',
          'débit faible',
          'faible débit',
          'latence',
          'ralenti',
          'ralentissement',
        ],
      },
    },
    {
      type: 'request',
      category: 'administrative.billing',
      keywords: {
        es: [
          'factura',
          'facturas',
          'facturación',
          'cobro',
          'cobrado',
          'cargo',
          'recibo',
          'reembolso',
          'abono',
          'importe',
        ],
        en: ['invoice', 'bill', 'billing', 'charge', 'charged', 'payment', 'refund'],
        fr: ['facture', 'factures', 'facturation', 'prélèvement', 'paiement', 'remboursement'],
      },
    },
    {
      type: 'request',
      category: 'administrative.modification',
      keywords: {
        es: [
          'cambio de titular',
          'cambio de domicilio',
          'cambio de dirección',
          'cambio de tarifa',
          'dar de baja',
          'darme de baja',
          'modificar',
          'ampliar',
        ],
        en: [
          'change of address',
          'change my plan',
          'change the plan',
          'upgrade',
          'cancel my',
          'cancel the contract',
          'modify',
        ],
        fr: ["changement d'adresse", "changer d'offre", 'modifier', 'résilier', 'résiliation'],
      },
    },
    {
      type: 'request',
      category: 'technical',
      keywords: {
        es: ['configurar', 'configuración', 'abrir puertos', 'ip fija', 'dns'],
        en: ['configure', 'configuration', 'port forwarding', 'open ports', 'static ip', 'dns'],
        fr: ['configurer', 'configuration', 'ouvrir des ports', 'ip fixe', 'dns'],
      },
    },
    {
      type: 'request',
      category: 'administrative.information',
      keywords: {
        es: ['información', 'quisiera saber', 'tarifas', 'contratar'],
        en: ['information', 'pricing', 'i would like to know'],
        fr: ['renseignement', 'renseignements', 'information', 'tarifs', 'je voudrais savoir'],
      },
    },
  ],
  maxAttachmentBytes: 2 * 1024 * 1024,
  maxTitleLength: 200,
  maxDescriptionLength: 50_000,
  maxFollowupLength: 20_000,
};

/** Parses a catalog and checks that it is consistent (the e-mail defaults exist). */
export function parseCatalog(input: unknown): Catalog {
  const c = catalogSchema.parse(input);
  const t = c.types[c.defaultEmailType];
  if (!t) throw new Error(`catalog: defaultEmailType "${c.defaultEmailType}" is not a type`);
  if (!t.categories.includes(c.defaultEmailCategory)) {
    throw new Error(
      `catalog: defaultEmailCategory "${c.defaultEmailCategory}" is not a category of that type`,
    );
  }
  for (const [i, r] of c.emailRules.entries()) {
    const rt = c.types[r.type];
    if (!rt?.categories.includes(r.category))
      throw new Error(`catalog: emailRules[${i}] names "${r.type}/${r.category}", not in the catalog`);
    if (r.urgency && !rt.urgencies.includes(r.urgency))
      throw new Error(`catalog: emailRules[${i}] urgency "${r.urgency}" is not asked for "${r.type}"`);
  }
  return c;
}

export interface TicketDraft {
  type: string;
  category: string;
  urgency?: string | null;
  serviceId?: number | null;
  title: string;
  description: string;
}

export interface ValidDraft {
  type: string;
  category: string;
  urgency: string | null;
  serviceId: number | null;
  title: string;
  description: string;
}

/**
 * Checks a ticket draft against the catalog. Field errors are i18n keys.
 * `allowedServiceIds` is the requester's own services; with `requireService` (the web form) one must be chosen
 * when they have any. Mail cannot ask, so it passes a guess or nothing.
 */
export function validateDraft(
  catalog: Catalog,
  draft: TicketDraft,
  services: { allowedServiceIds: readonly number[]; requireService: boolean },
): ValidDraft {
  const { allowedServiceIds } = services;
  const fields: FieldErrors = {};
  const type = catalog.types[draft.type];
  if (!type) fields.type = 'validation.typeRequired';
  if (type && !type.categories.includes(draft.category)) fields.category = 'validation.categoryInvalid';
  let urgency: string | null = null;
  if (type && type.urgencies.length > 0) {
    if (!draft.urgency || !type.urgencies.includes(draft.urgency))
      fields.urgency = 'validation.urgencyRequired';
    else urgency = draft.urgency;
  } else if (type && draft.urgency) {
    fields.urgency = 'validation.urgencyNotAsked';
  }
  const serviceId = draft.serviceId ?? null;
  if (serviceId === null && services.requireService && allowedServiceIds.length > 0)
    fields.serviceId = 'validation.serviceRequired';
  if (serviceId !== null && !allowedServiceIds.includes(serviceId))
    fields.serviceId = 'validation.serviceInvalid';
  const title = oneLine(draft.title);
  const description = draft.description.trim();
  if (!title) fields.title = 'validation.titleRequired';
  else if (title.length > catalog.maxTitleLength) fields.title = 'validation.titleTooLong';
  if (!description) fields.description = 'validation.descriptionRequired';
  else if (description.length > catalog.maxDescriptionLength)
    fields.description = 'validation.descriptionTooLong';
  if (Object.keys(fields).length > 0) throw new AppError('invalid', 'validation.fixFields', { fields });
  return { type: draft.type, category: draft.category, urgency, serviceId, title, description };
}

/** Follow-up length rule, shared by web and mail (a ticket's history must stay cheap to show). */
export function checkFollowupLength(catalog: Catalog, body: string): void {
  if (body.length > catalog.maxFollowupLength) {
    throw new AppError('invalid', 'validation.followupTooLong', {
      fields: { body: 'validation.followupTooLong' },
      params: { max: catalog.maxFollowupLength },
    });
  }
}

/** Attachment size rule, shared by web and mail. */
export function checkAttachmentSize(catalog: Catalog, size: number, field = 'attachment'): void {
  if (size > catalog.maxAttachmentBytes) {
    throw new AppError('too_large', 'validation.attachmentTooLarge', {
      fields: { [field]: 'validation.attachmentTooLarge' },
      params: { limit: formatBytes(catalog.maxAttachmentBytes) },
    });
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}

/** ITIL priority from urgency and impact (1 = highest). */
export function priorityOf(urgency: string | null, impact: 'high' | 'medium' | 'low' = 'medium'): number {
  const u = urgency === 'high' ? 0 : urgency === 'medium' ? 1 : 2;
  const i = impact === 'high' ? 0 : impact === 'medium' ? 1 : 2;
  return Math.min(5, 1 + u + i);
}
