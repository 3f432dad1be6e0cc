import { ConfigError } from '../config/config.js';
import { isAppError } from '../domain/errors.js';
import { isLang, translator } from '../i18n/i18n.js';
import { StartupError } from '../runtime/startup-error.js';

/**
 * The language of CLI messages: `--lang`, else the locale (LC_ALL, LC_MESSAGES, LANG: `en_GB.UTF-8` → en),
 * else DEFAULT_LANGUAGE, else Spanish.
 */
export function cliLanguage(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  const fromLocale = locale.slice(0, 2).toLowerCase();
  for (const candidate of [flag, fromLocale, env.DEFAULT_LANGUAGE]) if (isLang(candidate)) return candidate;
  return 'es';
}

/**
 * The one line an expected failure prints (without the `izardesk: ` prefix), or null for a bug.
 * App errors are translated; their fields are named as the options that carry them (`--company`).
 */
export function cliErrorLines(err: unknown, lang: string): string[] | null {
  if (err instanceof ConfigError || err instanceof StartupError) return err.message.split('\n');
  if (isAppError(err)) {
    const t = translator(lang);
    const fields = Object.entries(err.fields).map(([k, v]) => `--${k}: ${t(v, err.params)}`);
    return [fields.length ? fields.join(' ') : t(err.messageKey, err.params)];
  }
  return null;
}
