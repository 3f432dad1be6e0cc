/** Strings of the agent area, per language. */
export const agent = {
  es: {},
  en: {},
  fr: {},
};
