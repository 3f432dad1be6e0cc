import { describe, expect, it } from 'vitest';
import {
  formatReference,
  parseReference,
  stripReferences,
  stripSubjectPrefixes,
} from '../../src/domain/reference.js';

/** Subject lines as real mail clients write them, and the ticket each one names (null: none). */
const SUBJECTS: [string, number | null][] = [
  // Our own notifications and the usual clients' replies to them.
  ['[IZL-000123] Sin conexión en la sede central', 123],
  ['Re: [IZL-000123] Sin conexión en la sede central', 123],
  ['RE: [IZL-000123] Sin conexión en la sede central', 123],
  ['re: [izl-000123] sin conexión', 123],
  ['AW: [IZL-000042] Langsame Verbindung', 42], // Outlook, German
  ['WG: [IZL-000042] Langsame Verbindung', 42], // German forward
  ['RV: [IZL-004711] Fallo en la fibra', 4711], // Outlook, Spanish
  ['R: [IZL-000007] Linea lenta a Milano', 7], // Outlook, Italian
  ['TR: [IZL-000008] Coupure totale', 8], // Outlook, French forward
  ['SV: [IZL-000009] Ingen forbindelse', 9], // Swedish/Norwegian/Danish
  ['Fwd: [IZL-000010] Packet loss on the backup link', 10],
  ['FW: [IZL-000011] Packet loss', 11],
  ['Réf. : [IZL-000012] Problème de débit', 12], // French, with the space before the colon
  ['RE[2]: [IZL-000013] Fallo', 13],
  ['Re: Fwd: RE: [IZL-000014] Corte total', 14], // nested
  ['AW: AW: WG: IZL-000015 Störung', 15],
  ['RES: [IZL-000016] Lentidão na conexão', 16], // Outlook, Brazilian Portuguese
  ['回复: [IZL-000017] 网络中断', 17], // Chinese clients
  ['Re：[IZL-000018] Full-width colon', 18],
  // The reference without brackets, short or lower-case.
  ['Consulta sobre IZL-000123', 123],
  ['Re: IZL-123 still broken', 123],
  ['about izl-77 please', 77],
  ['IZL 456 otra vez sin línea', 456],
  ['IZL#789 factura', 789],
  // #123-style tags.
  ['Re: [#321] Corte de servicio', 321],
  ['Ticket #55 sigue abierto', 55],
  ['Re: Incidencia nº #66', 66],
  ['Demande #88 : facture', 88],
  ['Caso #77 - lentitud', 77],
  // Ids inside other words, other systems' references and plain numbers: no ticket.
  ['FIZL-000123 shipment', null],
  ['Re: IZLX-000123', null],
  ['Pedido IZL-123abc', null],
  ['ref abcIZL-12', null],
  ['x_IZL-123', null],
  ['Re: [ABC-000123] other helpdesk', null],
  ['Invoice #123 overdue', null],
  ['Re: Tu pedido #123 ha sido enviado', null],
  ['#123', null],
  ['Nueva avería en la calle 123', null],
  ['Re: Fwd: nada que ver', null],
  ['[IZL-000000] zero is not a ticket', null],
  ['', null],
];

describe('parseReference', () => {
  it(`has at least 30 realistic subjects (${SUBJECTS.length})`, () => {
    expect(SUBJECTS.length).toBeGreaterThanOrEqual(30);
  });
  it.each(SUBJECTS)('%j names ticket %j', (subject, want) => {
    expect(parseReference('IZL', subject)).toBe(want);
  });
  it('uses the installation prefix, whatever it is', () => {
    expect(parseReference('ACME', 'Re: [ACME-000009] x')).toBe(9);
    expect(parseReference('ACME', 'Re: [IZL-000009] x')).toBeNull();
    expect(parseReference('A.B', 'AxB-5')).toBeNull(); // the prefix is matched literally
  });
  it('round-trips formatReference', () => {
    for (const id of [1, 123, 999_999, 1_234_567]) {
      const ref = formatReference('IZL', id);
      expect(parseReference('IZL', `Re: [${ref}] x`)).toBe(id);
    }
    expect(formatReference('IZL', 123)).toBe('IZL-000123');
    expect(formatReference('IZL', 1_234_567)).toBe('IZL-1234567');
  });
});

describe('stripSubjectPrefixes', () => {
  it.each([
    ['Re: Corte total', 'Corte total'],
    ['RE: RE: Corte total', 'Corte total'],
    ['Re: Fwd: RE: Corte total', 'Corte total'],
    ['AW: WG: Störung', 'Störung'],
    ['RV: Fallo', 'Fallo'],
    ['R: Linea lenta', 'Linea lenta'],
    ['TR: Coupure', 'Coupure'],
    ['Réf. : Coupure', 'Coupure'],
    ['RÉF: Coupure', 'Coupure'],
    ['SV: Ingen forbindelse', 'Ingen forbindelse'],
    ['Antw: Storing', 'Storing'],
    ['Odp: Awaria', 'Awaria'],
    ['RE[3]: Fallo', 'Fallo'],
    ['Re : Question', 'Question'],
    ['Fwd:Re:x', 'x'],
    ['  Re:   espacios  ', 'espacios'],
    ['回复: 网络中断', '网络中断'],
  ])('%j → %j', (subject, want) => {
    expect(stripSubjectPrefixes(subject)).toBe(want);
  });
  it.each([
    'Réponse: pas un préfixe',
    'Reply: not a prefix',
    'Regarding: the invoice',
    'Resumen: factura',
    'Recordatorio: pago',
    'Warning: disk full',
    'Sin conexión Re: nada',
  ])('leaves %j alone', (subject) => {
    expect(stripSubjectPrefixes(subject)).toBe(subject);
  });
  it('only strips the leading prefixes', () => {
    expect(stripSubjectPrefixes('Re: hola Re: adiós')).toBe('hola Re: adiós');
  });
});

describe('stripReferences', () => {
  it.each([
    ['Re: [IZL-000005] [IZL-000001] Sin conexión', 'Sin conexión'],
    ['RE: [IZL-000012] Re: [IZL-000001] Sin línea', 'Sin línea'],
    ['Fwd: IZL-000003 factura', 'factura'],
    ['[ABC-000001] otra instalación', '[ABC-000001] otra instalación'],
    ['Sin referencia', 'Sin referencia'],
  ])('%s → %s', (subject, title) => {
    expect(stripReferences('IZL', subject)).toBe(title);
  });
});
