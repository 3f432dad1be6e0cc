import { describe, expect, it } from 'vitest';
import { isExplicitRefusal, REFUSAL_WORDS } from '../../src/domain/mail-refusal.js';

describe('explicit refusal of a solution by mail', () => {
  it('thanks, questions and "it works now" never refuse (issue 12.2)', () => {
    for (const text of [
      '¡Muchas gracias! Ahora sí funciona perfectamente.',
      'Gracias, ya funciona.',
      '¿Y si no funciona mañana?',
      'Thanks, it works now.',
      'Merci, ça fonctionne.',
      'Todo bien.\n\nno funciona la impresora, pero eso es otra cosa',
      'No funcionaba ayer, hoy sí.',
    ])
      expect(isExplicitRefusal(text), text).toBe(false);
  });

  it('a listed word at the top of the reply refuses, in es, en and fr, whatever the case, accents or opening punctuation', () => {
    for (const text of [
      '#rechazar\nSigue cortado.',
      '¡No funciona!',
      '  \n  no funciona, sigue igual',
      'Sigue sin funcionar.',
      'No está resuelto: la luz LOS sigue roja.',
      '#refuse',
      'Not fixed, the line still drops.',
      "It doesn't work.",
      '#refuser',
      'Ça ne marche pas.',
      'Ne fonctionne pas depuis hier.',
    ])
      expect(isExplicitRefusal(text), text).toBe(true);
  });

  it('every listed word refuses on its own', () => {
    for (const w of Object.values(REFUSAL_WORDS).flat()) expect(isExplicitRefusal(w), w).toBe(true);
  });
});
