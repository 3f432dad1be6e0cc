/** Strings of the portal area, per language. */
export const portal = {
  es: {},
  en: {},
  fr: {},
};
