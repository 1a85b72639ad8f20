/**
 * The pathology report view and the genomics view in real Chromium: the report text with its findings marked
 * (a negated finding struck through), and the patient's variants with the CIViC evidence matched to them.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, openPage, screenshot } from './browser';

const skip = inject('e2eSkip');
const web = inject('webUrl');
const shots = inject('screenshotDir');
const JENNY = encodeURIComponent('Patient/cancer-patient-jenny-m');

describe.skipIf(skip !== '')('reports and genomics in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser(inject('chromiumPath'));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('marks each finding in the report text, negated ones struck through, and lists the variants with on-label evidence', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${web}/patients/${JENNY}`);
    await page.getByTestId('open-reports').click();
    await page.getByTestId('report-finding').first().waitFor();
    const negated = page.locator('[data-testid="report-finding"][data-negated="true"]');
    expect(await negated.count()).toBeGreaterThan(0);
    expect(await negated.first().evaluate((el) => getComputedStyle(el).textDecorationLine)).toContain('line-through');
    expect(await page.getByTestId('findings-table').innerText()).toMatch(/lymphovascular-invasion\s+absent\s+negated/i);
    await screenshot(page, shots, '30-pathology-report');

    await page.goto(`${web}/patients/${JENNY}`);
    await page.getByTestId('open-genomics').click();
    await page.getByTestId('variant-row').first().waitFor();
    expect(await page.getByTestId('variant-row').count()).toBe(14);
    const pik3ca = page.getByTestId('evidence-row').filter({ hasText: 'PIK3CA' }).first();
    expect(await pik3ca.innerText()).toMatch(/A\s+PIK3CA .+Breast Cancer\s*patient's cancer type\s+PubMed \d+/s);
    expect(await page.getByTestId('kb-version').innerText()).toMatch(/civic-2021-08-01\+sha256\.[0-9a-f]{12}/);
    await screenshot(page, shots, '31-genomics');
    expect(errors).toEqual([]);
  });
});
