import { describe, expect, it } from 'vitest';
import { demoBanner } from '../../src/cli/demo-banner.js';
import { DEMO_PASSWORD, DEMO_USERS } from '../../src/cli/demo-seed.js';
import { cliErrorLines, cliLanguage } from '../../src/cli/errors.js';
import { loadConfig } from '../../src/config/config.js';
import { AppError } from '../../src/domain/errors.js';

describe('the demo banner', () => {
  it('says where to go, who to sign in as and where the mails are, without an SMTP relay', () => {
    const banner = demoBanner(loadConfig({ PUBLIC_URL: 'http://demo.example:3000/' }));
    expect(banner).toContain('Izardesk demo ready: http://demo.example:3000\n');
    expect(banner).toContain(`password ${DEMO_PASSWORD}`);
    for (const address of Object.values(DEMO_USERS)) expect(banner).toContain(address);
    expect(banner).toContain('written to var/mail-outbox/ (no SMTP_URL)');
    expect(banner).toContain('http://demo.example:3000/dev/mails');
  });

  it('names the relay, without its password, when mails are sent', () => {
    const banner = demoBanner(loadConfig({ SMTP_URL: 'smtp://izardesk:s3cr3t@relay.example:587' }));
    expect(banner).toContain('Mails: sent through smtp://izardesk:***@relay.example:587');
    expect(banner).not.toContain('s3cr3t');
    expect(banner).not.toContain('/dev/mails');
  });
});

describe('CLI error lines', () => {
  const err = new AppError('invalid', 'validation.fixFields', {
    fields: { email: 'validation.emailInvalid', company: 'validation.companyRequired' },
  });

  it('are translated, each field named as its option', () => {
    expect(cliErrorLines(err, 'es')).toEqual([
      '--email: Escriba un correo electrónico válido. --company: Indique la empresa cliente.',
    ]);
    expect(cliErrorLines(err, 'fr')?.[0]).toContain('--company: Indiquez la société cliente.');
    expect(cliErrorLines(new AppError('forbidden', 'errors.forbidden'), 'en')).toEqual([
      'You do not have permission for this.',
    ]);
    expect(cliErrorLines(new Error('a bug'), 'en')).toBeNull();
  });

  it('take their language from --lang, else the locale, else DEFAULT_LANGUAGE, else Spanish', () => {
    expect(cliLanguage('fr', { LANG: 'en_GB.UTF-8' })).toBe('fr');
    expect(cliLanguage(undefined, { LANG: 'en_GB.UTF-8' })).toBe('en');
    expect(cliLanguage(undefined, { LC_ALL: 'fr_FR.UTF-8', LANG: 'en_GB.UTF-8' })).toBe('fr');
    expect(cliLanguage(undefined, { LANG: 'C.UTF-8', DEFAULT_LANGUAGE: 'en' })).toBe('en');
    expect(cliLanguage(undefined, { LANG: 'de_DE.UTF-8' })).toBe('es');
    expect(cliLanguage(undefined, {})).toBe('es');
  });
});
