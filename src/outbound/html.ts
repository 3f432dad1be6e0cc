import { escapeHtml } from '../infra/escape-html.js';

/** Plain text as safe HTML paragraphs: escaped, line breaks kept. */
export const textToHtml = (s: string): string => escapeHtml(s.trim()).replace(/\r?\n/g, '<br />');

/** Inline styles of the ticket summary table (mail clients drop most <style> rules). */
export const LABEL_STYLE = 'padding:2px 14px 2px 0;color:#64748b;white-space:nowrap;vertical-align:top';
export const VALUE_STYLE = 'padding:2px 0;vertical-align:top;word-break:break-word';
