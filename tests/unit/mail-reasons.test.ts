import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../src/config/config.js';
import { MAIL_REASONS, reasonCode, storedReason } from '../../src/domain/mail-reasons.js';
import { translator } from '../../src/i18n/i18n.js';
import { agent } from '../../src/i18n/ns/agent.js';
import { reasonLabelKey } from '../../src/i18n/reason-labels.js';

describe('mail reason codes', () => {
  it('every reason has its own label in es, en and fr, and the labels name no other code', () => {
    for (const lang of LANGUAGES) {
      const t = translator(lang);
      const other = t('agent:quarantine.reasons.other');
      for (const code of MAIL_REASONS) {
        const label = t(reasonLabelKey(code));
        expect(label, `${lang} ${code}`).not.toMatch(/^agent:|quarantine\.reasons/);
        expect(label, `${lang} ${code}`).not.toBe(other);
      }
      expect(Object.keys(agent[lang].quarantine.reasons).sort()).toEqual([...MAIL_REASONS, 'other'].sort());
    }
  });

  it('reads the code back from a stored reason; anything else is no code', () => {
    expect(reasonCode(storedReason('effect_refused', '#resolve: errors.transitionInvalid'))).toBe(
      'effect_refused',
    );
    expect(reasonCode('internal_error: boom')).toBe('internal_error');
    expect(reasonCode('internal error: boom')).toBeNull();
    expect(reasonCode('held')).toBeNull();
    expect(reasonCode(null)).toBeNull();
    expect(reasonLabelKey('nonsense')).toBe('agent:quarantine.reasons.other');
  });
});
