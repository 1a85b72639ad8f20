/**
 * OpenID Connect sign-in in real Chromium: the sign-in page's "Sign in with …" link, the real provider's login and
 * consent pages (oidc-provider on a loopback port, started by global-setup.ts), the callback through the web app's
 * gateway, and the patient list signed in as the linked clinician. An unlinked subject is sent back with an error.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, openAnonymousPage, screenshot } from './browser';
import { E2E_OIDC_DISPLAY_NAME, E2E_OIDC_SUBJECT } from './global-setup';

const skip = inject('e2eSkip');
const web = inject('webUrl');
const shots = inject('screenshotDir');
const PATIENT_PATH = '/patients/Patient%2Fcancer-patient-jenny-m';

/** Fills in the provider's (development) login form with `subject`, then accepts its consent page. */
async function signInAtProvider(page: Page, subject: string): Promise<void> {
  await page.locator('input[name="login"]').fill(subject);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
  await page.waitForLoadState();
  if (await page.locator('input[name="prompt"][value="consent"]').count()) await page.locator('button[type="submit"]').click();
}

describe.skipIf(skip !== '')('OpenID Connect sign-in in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser(inject('chromiumPath'));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('signs the linked clinician in through the provider and lands on the page asked for', async () => {
    const { page, errors } = await openAnonymousPage(browser);
    await page.goto(`${web}${PATIENT_PATH}`);
    await page.waitForURL(/\/sign-in\?next=/);
    const button = page.getByTestId('sign-in-oidc');
    await button.waitFor({ timeout: 15_000 });
    expect(await button.innerText()).toBe(`Sign in with ${E2E_OIDC_DISPLAY_NAME}`);
    await button.click();
    await page.locator('input[name="login"]').waitFor({ timeout: 15_000 });
    await signInAtProvider(page, E2E_OIDC_SUBJECT);
    await page.waitForURL((url) => url.origin === web && url.pathname === PATIENT_PATH, { timeout: 30_000 });
    await page.getByTestId('patient-name').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('patient-name').innerText()).toMatch(/Jenny/);
    expect(await page.getByTestId('signed-in-user').innerText()).toBe('E2E Clinician');
    const cookies = await page.context().cookies(web);
    expect(cookies.find((c) => c.name === 'oncoboard_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    // The pending sign-in's handle was for one use and is gone.
    expect(cookies.find((c) => c.name === 'oncoboard_oidc')).toBeUndefined();
    await screenshot(page, shots, 'oidc-signed-in', false);
    // The provider's development login page loads a web font from fonts.googleapis.com, which does not resolve
    // offline (the web app's CSP allows no outside host, so this error cannot come from it); a missing favicon at the
    // provider is a 404.
    expect(errors.filter((e) => !/ERR_NAME_NOT_RESOLVED|\b404\b|Not Found/i.test(e))).toEqual([]);
    await page.context().close();
  });

  it('sends a subject no admin linked back to sign-in with the generic message, signed out', async () => {
    const { page } = await openAnonymousPage(browser);
    await page.goto(`${web}/sign-in`);
    await page.getByTestId('sign-in-oidc').click();
    await page.locator('input[name="login"]').waitFor({ timeout: 15_000 });
    await signInAtProvider(page, 'e2e-unlinked-sub');
    await page.waitForURL((url) => url.origin === web && url.pathname === '/sign-in' && url.searchParams.get('error') === 'oidc-failed', { timeout: 30_000 });
    expect(await page.getByTestId('sign-in-oidc-error').innerText()).toMatch(/did not sign you in/);
    expect((await page.context().cookies(web)).find((c) => c.name === 'oncoboard_session')).toBeUndefined();
    expect((await page.request.get(`${web}/api/auth/session`)).status()).toBe(401);
    await screenshot(page, shots, 'oidc-unlinked', false);
    await page.context().close();
  });
});
