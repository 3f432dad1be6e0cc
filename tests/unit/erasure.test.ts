import { describe, expect, it } from 'vitest';
import {
  ERASED_TEXT,
  erasedEmail,
  isErasedEmail,
  personalDataScrubber,
  scrubJson,
} from '../../src/domain/erasure.js';

const person = {
  name: 'María José Pérez',
  addresses: ['mj.perez-1@correo.example'],
  phones: ['+34 611 22 33 44'],
};
const strict = personalDataScrubber(person, { nameWords: false });
const wide = personalDataScrubber(person, { nameWords: true });

describe('finding a person in free text', () => {
  it('finds the full name whatever the case and accents, the address and the phone as written anyhow', () => {
    expect(strict('Habló MARIA JOSE PEREZ, maría josé pérez.')).toBe(`Habló ${ERASED_TEXT}, ${ERASED_TEXT}.`);
    expect(strict('Escribe a MJ.Perez-1@correo.example hoy')).toBe(`Escribe a ${ERASED_TEXT} hoy`);
    for (const phone of ['611223344', '611 22 33 44', '+34611223344', '(+34) 611-22-33-44', '611.223.344'])
      expect(strict(`Tel: ${phone}.`), phone).not.toMatch(/\d{3}/);
    // Another number that merely contains the digits is not theirs.
    expect(strict('Pedido 96112233445')).toBe('Pedido 96112233445');
  });

  it('keeps single words of the name unless asked, and then only whole words', () => {
    expect(strict('Hola María, gracias')).toBe('Hola María, gracias');
    expect(wide('Hola María, gracias')).toBe(`Hola ${ERASED_TEXT}, gracias`);
    expect(wide('Pereza no, Joselito tampoco')).toBe('Pereza no, Joselito tampoco');
    expect(
      personalDataScrubber(
        { name: 'Ana del Río', addresses: [], phones: [] },
        { nameWords: true },
      )('Ana vive al lado del río'),
    ).toBe(`${ERASED_TEXT} vive al lado del ${ERASED_TEXT}`);
  });

  it('scrubs every string of a JSON value and keeps its keys and other values', () => {
    expect(
      scrubJson(
        { to: 'mj.perez-1@correo.example', files: [{ name: 'DNI María José Pérez.pdf', size: 3 }] },
        strict,
      ),
    ).toEqual({ to: ERASED_TEXT, files: [{ name: `DNI ${ERASED_TEXT}.pdf`, size: 3 }] });
  });

  it('the placeholder address is unique and on a domain no mail can reach', () => {
    expect(erasedEmail(12)).toBe('erased-12@erased.invalid');
    expect(isErasedEmail(erasedEmail(12))).toBe(true);
    expect(isErasedEmail('ana@example.com')).toBe(false);
  });
});
