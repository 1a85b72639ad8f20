/** Real headless Chromium (Debian's), driven by playwright-core; nothing is downloaded. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import type { E2eCookie } from './global-setup';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchBrowser(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}

/**
 * A page signed in as the suite's clinician (the cookies global-setup got from the real sign-in) that records console
 * errors and uncaught exceptions, so a test can assert the app ran cleanly.
 */
export async function openPage(browser: Browser, viewport = { width: 1440, height: 1000 }): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const web = inject('webUrl');
  const cookies = JSON.parse(inject('e2eCookies')) as E2eCookie[];
  await context.addCookies(cookies.map((c) => ({ ...c, url: web })));
  return recordErrors(context);
}

/** A page with no session (the sign-in tests), recording errors like openPage. */
export async function openAnonymousPage(browser: Browser, viewport = { width: 1440, height: 1000 }): Promise<{ page: Page; errors: string[] }> {
  return recordErrors(await browser.newContext({ viewport, deviceScaleFactor: 1 }));
}

async function recordErrors(context: BrowserContext): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  return { page, errors };
}

export async function screenshot(page: Page, dir: string, name: string, fullPage = true): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}
