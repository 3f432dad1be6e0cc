import { describe, expect, it } from 'vitest';
import {
  cleanScope,
  inLanguage,
  isOutageCategory,
  type NetworkAttributes,
  scopeIsEmpty,
  scopeSchema,
  serviceInScope,
} from '../../src/domain/incident-scope.js';

const svc = (id: number, a: Partial<NetworkAttributes> = {}) => ({
  id,
  accessNode: null,
  zone: null,
  exchange: null,
  technology: null,
  postcode: null,
  ...a,
});

describe('the scope of a major incident', () => {
  const north = svc(1, { zone: 'VLL-Norte', accessNode: 'OLT-03', technology: 'ftth', postcode: '47010' });
  const south = svc(2, { zone: 'VLL-Sur', accessNode: 'OLT-07', technology: 'ftth', postcode: '47008' });
  const radio = svc(3, { zone: 'VLL-Norte', technology: 'radio' });
  const unknown = svc(4);

  it('matches a zone, ignoring case and spaces around values', () => {
    const scope = { zones: [' vll-norte '] };
    expect([north, south, radio, unknown].filter((s) => serviceInScope(scope, s)).map((s) => s.id)).toEqual([
      1, 3,
    ]);
  });

  it('needs every listed attribute to match one of its values', () => {
    const scope = { zones: ['VLL-Norte', 'VLL-Sur'], technologies: ['FTTH'] };
    expect([north, south, radio].filter((s) => serviceInScope(scope, s)).map((s) => s.id)).toEqual([1, 2]);
    expect(serviceInScope({ accessNodes: ['OLT-03'], postcodes: ['47008'] }, north)).toBe(false);
  });

  it('takes an explicit list of services as it is', () => {
    expect(serviceInScope({ serviceIds: [2, 4] }, south)).toBe(true);
    expect(serviceInScope({ serviceIds: [2, 4] }, north)).toBe(false);
  });

  it('affects nothing without a condition, and never a service without the attribute', () => {
    expect(serviceInScope({}, north)).toBe(false);
    expect(serviceInScope({ zones: ['', '  '] }, north)).toBe(false);
    expect(scopeIsEmpty({ zones: [' '] })).toBe(true);
    expect(serviceInScope({ exchanges: ['VA-CENTRO'] }, unknown)).toBe(false);
  });

  it('is cleaned before it is stored, and the stored form reads back', () => {
    const clean = cleanScope({ zones: [' A ', 'A', ''], technologies: [] });
    expect(clean).toEqual({ zones: ['A'] });
    expect(scopeSchema.parse(clean)).toEqual(clean);
    expect(scopeSchema.safeParse({ zones: 'A' }).success).toBe(false);
  });
});

describe('which tickets an outage explains', () => {
  it('is incidents of the outage categories only', () => {
    expect(isOutageCategory('incident', 'total_outage')).toBe(true);
    expect(isOutageCategory('incident', 'packet_loss')).toBe(true);
    expect(isOutageCategory('incident', 'slowness')).toBe(true);
    expect(isOutageCategory('incident', 'performance')).toBe(false);
    expect(isOutageCategory('request', 'administrative.billing')).toBe(false);
  });
});

describe('texts in three languages', () => {
  it('fall back to Spanish when a language was not written', () => {
    const t = { es: 'Corte de fibra', fr: 'Coupure de fibre', en: ' ' };
    expect(inLanguage(t, 'fr')).toBe('Coupure de fibre');
    expect(inLanguage(t, 'en')).toBe('Corte de fibra');
    expect(inLanguage(t, 'de')).toBe('Corte de fibra');
  });
});
