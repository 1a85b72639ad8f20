/**
 * Sign-in, sign-out and the redirect of an unauthenticated visitor, in real Chromium against the real API and
 * `next start` (see global-setup.ts: the clinician account is created by the CLI with a generated password).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { launchBrowser, openAnonymousPage, screenshot } from './browser';

const skip = inject('e2eSkip');
const web = inject('webUrl');
const shots = inject('screenshotDir');
const PATIENT_PATH = '/patients/Patient%2Fcancer-patient-jenny-m';

describe.skipIf(skip !== '')('sign-in in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser(inject('chromiumPath'));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('sends an unauthenticated visit to a patient page to sign-in, and the API refuses the data itself', async () => {
    const { page } = await openAnonymousPage(browser);
    const response = await page.goto(`${web}${PATIENT_PATH}`);
    await page.waitForURL(/\/sign-in\?next=/);
    expect(new URL(page.url()).searchParams.get('next')).toBe(PATIENT_PATH);
    expect(response?.ok()).toBe(true);
    expect(await page.getByTestId('patient-name').count()).toBe(0);
    // Not only a redirect: the gateway answers the data call itself with 401 when there is no session.
    const api = await page.request.get(`${web}/api/trpc/patients.search?input=${encodeURIComponent(JSON.stringify({ limit: 5 }))}`);
    expect(api.status()).toBe(401);
    expect(await api.text()).not.toMatch(/Jenny/);
    await page.context().close();
  });

  it('shows the error for a wrong password, lands on the page asked for with the right one, and signs out back to sign-in', async () => {
    const { page, errors } = await openAnonymousPage(browser);
    await page.goto(`${web}${PATIENT_PATH}`);
    await page.waitForURL(/\/sign-in/);
    const headers = (await page.request.get(`${web}/sign-in`)).headers();
    expect(headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).not.toContain('unsafe-eval');

    // Wrong password: the contract's one message for a wrong user or password, and still on sign-in.
    await page.getByTestId('sign-in-username').fill(inject('e2eUsername'));
    await page.getByTestId('sign-in-password').fill('not-the-password-at-all');
    await page.getByTestId('sign-in-submit').click();
    await expect.poll(() => page.getByTestId('sign-in-error').textContent(), { timeout: 15_000 }).toMatch(/invalid username or password/);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await screenshot(page, shots, 'sign-in-wrong-password', false);

    // Right password: back to the patient page that was asked for, signed in.
    await page.getByTestId('sign-in-password').fill(inject('e2ePassword'));
    await page.getByTestId('sign-in-submit').click();
    await page.waitForURL((url) => url.pathname === PATIENT_PATH, { timeout: 30_000 });
    await page.getByTestId('patient-name').waitFor();
    expect(await page.getByTestId('patient-name').innerText()).toMatch(/Jenny/);
    expect(await page.getByTestId('signed-in-user').innerText()).toBe('E2E Clinician');
    const cookies = await page.context().cookies(web);
    const session = cookies.find((c) => c.name === 'oncoboard_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    expect(await page.evaluate(() => document.cookie)).not.toContain('oncoboard_session');

    // The patient list from the header.
    await page.getByRole('link', { name: 'Patients' }).click();
    await page.getByTestId('patient-row').first().waitFor();

    // Sign out: back to sign-in, and the old session no longer opens a patient page.
    await page.getByTestId('sign-out').click();
    await page.waitForURL((url) => url.pathname === '/sign-in', { timeout: 15_000 });
    await page.context().addCookies(session ? [{ name: session.name, value: session.value, url: web, httpOnly: true, sameSite: 'Strict' }] : []);
    const stale = await page.request.get(`${web}/api/auth/session`);
    expect(stale.status()).toBe(401);
    await page.goto(`${web}${PATIENT_PATH}`);
    await page.waitForURL(/\/sign-in/, { timeout: 15_000 });
    // The wrong password's 401 and the signed-out session's 401 are expected answers, not app errors.
    expect(errors.filter((e) => !/401|Unauthorized/i.test(e))).toEqual([]);
    await page.context().close();
  });

  it('lands on the patient list after signing in from the sign-in page itself', async () => {
    const { page } = await openAnonymousPage(browser);
    await page.goto(`${web}/sign-in`);
    await page.getByTestId('sign-in-username').fill(inject('e2eUsername'));
    await page.getByTestId('sign-in-password').fill(inject('e2ePassword'));
    await page.getByTestId('sign-in-submit').click();
    await page.waitForURL((url) => url.pathname === '/', { timeout: 30_000 });
    await page.getByTestId('patient-row').first().waitFor();
    expect(await page.getByTestId('patient-row').count()).toBeGreaterThanOrEqual(7);
    await page.context().close();
  });
});
