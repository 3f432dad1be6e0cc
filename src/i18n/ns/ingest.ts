/** Strings of the ingest area, per language. */
export const ingest = {
  es: {},
  en: {},
  fr: {},
};
