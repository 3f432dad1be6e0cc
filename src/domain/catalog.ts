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
  maxAttachmentBytes: z.number().int().positive(),
  maxTitleLength: z.number().int().positive(),
  maxDescriptionLength: z.number().int().positive(),
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
  maxAttachmentBytes: 2 * 1024 * 1024,
  maxTitleLength: 200,
  maxDescriptionLength: 50_000,
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
