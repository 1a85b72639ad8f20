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

  it('opens the evidence behind a level badge, filters by level and gene, and shows TMB and skipped records', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${web}/patients/${JENNY}/genomics`);
    await page.getByTestId('evidence-row').first().waitFor();
    const rows = page.getByTestId('evidence-row');
    const all = await rows.count();
    // The level filter: only level A rows remain, as many as the A button counts.
    const aCount = Number((await page.getByTestId('level-filter-A').innerText()).split('·')[1]);
    expect(aCount).toBeGreaterThan(0);
    await page.getByTestId('level-filter-A').click();
    expect(await rows.count()).toBe(aCount);
    expect(new Set(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-level'))))).toEqual(new Set(['A']));
    // The gene filter narrows both tables.
    await page.getByTestId('gene-filter').selectOption('PIK3CA');
    expect(await rows.count()).toBeGreaterThan(0);
    expect((await rows.allInnerTexts()).every((t) => t.includes('PIK3CA'))).toBe(true);
    expect(await page.getByTestId('variant-row').count()).toBe(1);
    // A badge opens the evidence: statement, disease, therapy, level and a PubMed link.
    await rows.first().getByTestId('level-badge').click();
    const detail = page.getByTestId('evidence-detail');
    await detail.waitFor();
    expect((await page.getByTestId('evidence-statement').innerText()).length).toBeGreaterThan(30);
    expect(await detail.innerText()).toMatch(/CIViC level A \(Validated association\)[\s\S]*Disease\s+Breast Cancer \(the patient's cancer type\)[\s\S]*Therapy\s+\S/);
    expect(await page.getByTestId('citation-link').getAttribute('href')).toMatch(/^https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/\d+\/$/);
    await screenshot(page, shots, '32-genomics-evidence');
    // Clearing the filters brings every row back.
    await page.getByTestId('level-filter-A').click();
    await page.getByTestId('gene-filter').selectOption('');
    expect(await rows.count()).toBe(all);
    // The demo import declares no target size: TMB says it was not computed, and nothing was skipped.
    expect(await page.getByTestId('tmb-denominator').innerText()).toMatch(/1\.5 Mb declared target/);
    expect(await page.getByTestId('skipped-count').innerText()).toBe('0 malformed records skipped');
    expect(errors).toEqual([]);
  });
});
