/** Strings of the mail area, per language. */
export const mail = {
  es: {},
  en: {},
  fr: {},
};
