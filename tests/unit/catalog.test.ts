import { describe, expect, it } from 'vitest';
import {
  type Catalog,
  checkAttachmentSize,
  DEFAULT_CATALOG,
  formatBytes,
  parseCatalog,
  priorityOf,
  type TicketDraft,
  validateDraft,
} from '../../src/domain/catalog.js';
import { AppError } from '../../src/domain/errors.js';

const services = { allowedServiceIds: [10, 11], requireService: true };
const incident: TicketDraft = {
  type: 'incident',
  category: 'total_outage',
  urgency: 'high',
  serviceId: 10,
  title: 'Sin conexión',
  description: 'La fibra no tiene luz desde las 9:00.',
};
const request: TicketDraft = {
  type: 'request',
  category: 'administrative.billing',
  serviceId: 11,
  title: 'Factura duplicada',
  description: 'Dos cargos en octubre.',
};

/** The field errors of a draft, or {} when it is valid. */
function fieldErrors(draft: TicketDraft, svc = services, catalog: Catalog = DEFAULT_CATALOG) {
  try {
    validateDraft(catalog, draft, svc);
    return {};
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('invalid');
    expect((err as AppError).messageKey).toBe('validation.fixFields');
    return (err as AppError).fields;
  }
}

describe('catalog: types and categories', () => {
  it('has the ISP catalog: incident and request with their categories', () => {
    expect(Object.keys(DEFAULT_CATALOG.types).sort()).toEqual(['incident', 'request']);
    expect(DEFAULT_CATALOG.types.incident?.categories).toEqual([
      'total_outage',
      'slowness',
      'packet_loss',
      'performance',
    ]);
    expect(DEFAULT_CATALOG.types.request?.categories).toEqual([
      'technical',
      'administrative.billing',
      'administrative.information',
      'administrative.modification',
    ]);
  });
  it('accepts every category of each type and refuses the other type’s', () => {
    for (const category of DEFAULT_CATALOG.types.incident?.categories ?? []) {
      expect(fieldErrors({ ...incident, category })).toEqual({});
      expect(fieldErrors({ ...request, category })).toEqual({ category: 'validation.categoryInvalid' });
    }
    for (const category of DEFAULT_CATALOG.types.request?.categories ?? []) {
      expect(fieldErrors({ ...request, category })).toEqual({});
      expect(fieldErrors({ ...incident, category })).toEqual({ category: 'validation.categoryInvalid' });
    }
  });
  it('refuses an unknown type and category', () => {
    expect(fieldErrors({ ...incident, type: 'complaint' })).toEqual({ type: 'validation.typeRequired' });
    expect(fieldErrors({ ...incident, type: '' })).toEqual({ type: 'validation.typeRequired' });
    expect(fieldErrors({ ...incident, category: 'administrative' })).toEqual({
      category: 'validation.categoryInvalid',
    });
  });
});

describe('catalog: urgency', () => {
  it('is required for incidents, high or medium', () => {
    expect(validateDraft(DEFAULT_CATALOG, { ...incident, urgency: 'medium' }, services).urgency).toBe(
      'medium',
    );
    expect(validateDraft(DEFAULT_CATALOG, incident, services).urgency).toBe('high');
    for (const urgency of [undefined, null, '', 'low', 'HIGH', 'critical'])
      expect(fieldErrors({ ...incident, urgency })).toEqual({ urgency: 'validation.urgencyRequired' });
  });
  it('is not asked for requests', () => {
    expect(validateDraft(DEFAULT_CATALOG, request, services).urgency).toBeNull();
    expect(validateDraft(DEFAULT_CATALOG, { ...request, urgency: '' }, services).urgency).toBeNull();
    expect(fieldErrors({ ...request, urgency: 'high' })).toEqual({ urgency: 'validation.urgencyNotAsked' });
  });
  it('gives the ITIL priority from urgency and impact', () => {
    expect(priorityOf('high')).toBe(2);
    expect(priorityOf('medium')).toBe(3);
    expect(priorityOf(null)).toBe(4);
    expect(priorityOf('high', 'high')).toBe(1);
    expect(priorityOf(null, 'low')).toBe(5);
  });
});

describe('catalog: title and description', () => {
  it('are required and trimmed', () => {
    const v = validateDraft(
      DEFAULT_CATALOG,
      { ...incident, title: '  Sin luz \n', description: '\t texto  ' },
      services,
    );
    expect(v.title).toBe('Sin luz');
    expect(v.description).toBe('texto');
    expect(fieldErrors({ ...incident, title: '   ', description: '\n\t ' })).toEqual({
      title: 'validation.titleRequired',
      description: 'validation.descriptionRequired',
    });
  });
  it('have a maximum length, counted after trimming', () => {
    const max = DEFAULT_CATALOG.maxTitleLength;
    expect(fieldErrors({ ...incident, title: ` ${'a'.repeat(max)} ` })).toEqual({});
    expect(fieldErrors({ ...incident, title: 'a'.repeat(max + 1) })).toEqual({
      title: 'validation.titleTooLong',
    });
    const maxD = DEFAULT_CATALOG.maxDescriptionLength;
    expect(fieldErrors({ ...incident, description: 'd'.repeat(maxD) })).toEqual({});
    expect(fieldErrors({ ...incident, description: 'd'.repeat(maxD + 1) })).toEqual({
      description: 'validation.descriptionTooLong',
    });
  });
  it('reports every wrong field at once', () => {
    expect(
      fieldErrors({
        type: 'incident',
        category: 'x',
        urgency: null,
        serviceId: 99,
        title: '',
        description: '',
      }),
    ).toEqual({
      category: 'validation.categoryInvalid',
      urgency: 'validation.urgencyRequired',
      serviceId: 'validation.serviceInvalid',
      title: 'validation.titleRequired',
      description: 'validation.descriptionRequired',
    });
  });
});

describe('catalog: services', () => {
  it('must be one of the requester’s own', () => {
    expect(validateDraft(DEFAULT_CATALOG, incident, services).serviceId).toBe(10);
    expect(fieldErrors({ ...incident, serviceId: 12 })).toEqual({ serviceId: 'validation.serviceInvalid' });
    expect(
      fieldErrors({ ...incident, serviceId: 12 }, { allowedServiceIds: [], requireService: false }),
    ).toEqual({
      serviceId: 'validation.serviceInvalid',
    });
  });
  it('is required on the web form when the requester has any', () => {
    expect(fieldErrors({ ...incident, serviceId: null })).toEqual({
      serviceId: 'validation.serviceRequired',
    });
    expect(fieldErrors({ ...incident, serviceId: undefined })).toEqual({
      serviceId: 'validation.serviceRequired',
    });
  });
  it('is optional by mail, and when the requester has none', () => {
    const byMail = { allowedServiceIds: [10], requireService: false };
    expect(validateDraft(DEFAULT_CATALOG, { ...incident, serviceId: null }, byMail).serviceId).toBeNull();
    const none = { allowedServiceIds: [], requireService: true };
    expect(validateDraft(DEFAULT_CATALOG, { ...incident, serviceId: null }, none).serviceId).toBeNull();
  });
});

describe('catalog: attachment size', () => {
  it('accepts exactly 2 MB (2,097,152 bytes) and refuses one byte more', () => {
    expect(DEFAULT_CATALOG.maxAttachmentBytes).toBe(2_097_152);
    expect(() => checkAttachmentSize(DEFAULT_CATALOG, 0)).not.toThrow();
    expect(() => checkAttachmentSize(DEFAULT_CATALOG, 2_097_152)).not.toThrow();
    try {
      checkAttachmentSize(DEFAULT_CATALOG, 2_097_153, 'file');
      expect.unreachable();
    } catch (err) {
      const e = err as AppError;
      expect(e.code).toBe('too_large');
      expect(e.fields).toEqual({ file: 'validation.attachmentTooLarge' });
      expect(e.params).toEqual({ limit: '2 MB' });
    }
  });
  it('follows a catalog’s own limit', () => {
    const small = { ...DEFAULT_CATALOG, maxAttachmentBytes: 1536 };
    expect(() => checkAttachmentSize(small, 1536)).not.toThrow();
    expect(() => checkAttachmentSize(small, 1537)).toThrow(AppError);
  });
  it('formats sizes for people', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(2_097_152)).toBe('2 MB');
    expect(formatBytes(5_500_000)).toBe('5.2 MB');
  });
});

describe('parseCatalog', () => {
  const json = () => JSON.parse(JSON.stringify(DEFAULT_CATALOG));
  it('accepts the default catalog and an installation’s own', () => {
    expect(parseCatalog(json())).toEqual(DEFAULT_CATALOG);
    const own = {
      ...json(),
      types: { fault: { categories: ['line'], urgencies: ['p1', 'p2', 'p3'] } },
      defaultEmailType: 'fault',
      defaultEmailCategory: 'line',
      // Keyword rules name types and categories: an installation's own types bring their own rules.
      emailRules: [{ type: 'fault', category: 'line', urgency: 'p1', keywords: { es: ['sin línea'] } }],
    };
    const c = parseCatalog(own);
    expect(
      validateDraft(
        c,
        { type: 'fault', category: 'line', urgency: 'p3', title: 't', description: 'd' },
        {
          allowedServiceIds: [],
          requireService: false,
        },
      ).urgency,
    ).toBe('p3');
  });
  it('refuses e-mail defaults that are not in the catalog', () => {
    expect(() => parseCatalog({ ...json(), defaultEmailType: 'complaint' })).toThrow(
      'catalog: defaultEmailType "complaint" is not a type',
    );
    expect(() => parseCatalog({ ...json(), defaultEmailCategory: 'technical' })).toThrow(
      'catalog: defaultEmailCategory "technical" is not a category of that type',
    );
  });
  it('refuses malformed catalogs', () => {
    expect(() => parseCatalog({})).toThrow();
    expect(() => parseCatalog({ ...json(), maxAttachmentBytes: 0 })).toThrow();
    expect(() => parseCatalog({ ...json(), maxAttachmentBytes: 1.5 })).toThrow();
    expect(() =>
      parseCatalog({ ...json(), types: { ...json().types, empty: { categories: [], urgencies: [] } } }),
    ).toThrow();
  });
});
