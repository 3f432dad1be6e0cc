import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';
import { screenshot } from './browser.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * axe-core's serious and critical violations on the page as it is now. Its source is evaluated through the
 * DevTools protocol rather than added as an inline <script>: the pages' CSP (script-src 'self') rightly blocks
 * inline scripts, and the tests keep the CSP on so that a page breaking it would show.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate<boolean>("typeof window.axe === 'object'"))) await page.evaluate(axeSource);
  // Evaluated as a string: the tests are compiled without the DOM's types.
  const violations = await page.evaluate<AxeResult[]>(
    "axe.run({ resultTypes: ['violations'] }).then((r) => r.violations)",
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
}

interface AxeResult {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Records into `foreign` every request any page of the context makes to another origin than `base`. */
export function recordForeignRequests(context: BrowserContext, base: string, foreign: string[]): void {
  const origin = new URL(base).origin;
  context.on('request', (r) => {
    const url = r.url();
    // data: and blob: URLs never leave the page.
    if (/^(data|blob|about):/.test(url)) return;
    if (new URL(url).origin !== origin) foreign.push(url);
  });
}

/** Page errors, console errors and failed responses of a page (Chromium's own /favicon.ico excepted). */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
  });
  return problems;
}

/** How far the page is wider than its viewport (0 when nothing scrolls sideways). */
export const sidewaysOverflow = (page: Page): Promise<number> =>
  page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

/**
 * At 1280 and 390 px: a screenshot `<shot>-<width>`, sideways scroll and axe findings, each pushed to `failures`
 * under `name`; the page is left at 1280 px.
 */
export async function checkWidths(page: Page, shot: string, name: string, failures: string[]): Promise<void> {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await screenshot(page, `${shot}-${width}`);
    const over = await sidewaysOverflow(page);
    if (over > 1) failures.push(`${name} @${width}: scrolls ${over}px sideways`);
    for (const v of await axeViolations(page))
      failures.push(`${name} @${width}: axe ${v.impact} ${v.id} (${v.help}) at ${v.targets.join(', ')}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}
