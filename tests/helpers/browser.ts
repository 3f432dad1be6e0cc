import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll } from 'vitest';

/** Debian's Chromium, headless, with the flags the machine needs; the caller closes it. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });

/** Debian's Chromium for a whole test file, closed after it. */
export async function useBrowser(): Promise<Browser> {
  const browser = await launchChromium();
  afterAll(() => browser.close());
  return browser;
}

export const SCREENSHOT_DIR = join(import.meta.dirname, '..', '..', 'out', 'screenshots');

/**
 * Full-page screenshot to out/screenshots/<name>.png (gitignored). On a loaded machine Chromium
 * sometimes never answers a capture after a resize (microsoft/playwright#28995: the CDP call does
 * not return); setting the viewport again forces a new frame for a second try, and a second hang
 * still fails. (No reload: the page may be the answer to a POST.)
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const shoot = (timeout: number) =>
    page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true, timeout });
  try {
    await shoot(15_000);
  } catch (err) {
    if (!(err instanceof Error) || err.name !== 'TimeoutError') throw err;
    const size = page.viewportSize();
    if (size) await page.setViewportSize({ width: size.width, height: size.height + 1 });
    await shoot(30_000);
    if (size) await page.setViewportSize(size);
  }
}
