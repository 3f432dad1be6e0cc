const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

/** Plain text as safe HTML paragraphs: escaped, line breaks kept. */
export const textToHtml = (s: string): string => escapeHtml(s.trim()).replace(/\r?\n/g, '<br />');
