/**
 * The joint model in real headless Chromium: the risk panel on a patient page (predictions stored by
 * `oncoboard predict --all` in global-setup.ts, with the shipped SYNTHETIC demo model) and the model page it links
 * to (metrics, calibration, Kaplan–Meier by risk group, the evaluation data named, the card); "Recompute" on the
 * panel (predictions.compute), which stores a new prediction and names who computed it.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, openPage, screenshot } from './browser';

const skip = inject('e2eSkip');
const web = inject('webUrl');
const shots = inject('screenshotDir');
const JOHN = 'Patient/cancer-patient-john-anyperson';
const JENNY = 'Patient/cancer-patient-jenny-m';
const username = inject('e2eUsername');

describe.skipIf(skip !== '')('joint model in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser(inject('chromiumPath'));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the risk panel: percentile, curve with band against the cohort, contributions, similar patients, version, SYNTHETIC', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${web}/patients/${encodeURIComponent(JOHN)}`);
    const panel = page.getByTestId('risk-panel');
    await panel.waitFor();
    expect(await page.getByTestId('synthetic-banner').innerText()).toMatch(/^SYNTHETIC — This prediction's model \(multimodal-joint-demo@1\.0\.0\)/);
    expect(await page.locator('#risk').getByTestId('synthetic-badge').isVisible()).toBe(true);
    const percentile = Number(await page.getByTestId('risk-percentile').innerText());
    expect(percentile).toBeGreaterThanOrEqual(0);
    expect(percentile).toBeLessThanOrEqual(100);

    // The predicted curve (a step function over the reference cohort's event times), its band, and the cohort's KM.
    const predicted = page.getByTestId('predicted-curve');
    expect(Number(await predicted.getAttribute('data-points'))).toBeGreaterThan(10);
    expect((await page.getByTestId('predicted-curve-band').getAttribute('d'))!.length).toBeGreaterThan(100);
    expect(Number(await page.getByTestId('cohort-curve').getAttribute('data-points'))).toBeGreaterThan(10);
    expect(await page.getByTestId('survival-chart').innerText()).toMatch(/reference cohort, Kaplan–Meier \(n = 640, training rows\)/);

    // One modality (clinical): attention 100%, no leave-one-out contribution to compare.
    const rows = page.getByTestId('contribution-row');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-module')).toBe('clinical');
    expect(await rows.first().innerText()).toMatch(/only modality · attention 100%/);

    expect(await page.getByTestId('similar-patient').count()).toBe(5);
    expect(await page.getByTestId('similar-patients').innerText()).toMatch(/(event|censored) at \d+ months/);
    expect(await page.getByTestId('prediction-stamp').innerText()).toMatch(/by multimodal-joint-demo@1\.0\.0 .* from clinical@1\.0\.0 \(input [0-9a-f]{8}…\)/);
    // Stored by `oncoboard predict --all` in the global setup: no user.
    expect(await page.getByTestId('prediction-computed-by').innerText()).toMatch(/^Computed .* by the command line \(oncoboard predict\) with multimodal-joint-demo@1\.0\.0\.$/);
    await screenshot(page, shots, 'model-risk-panel');

    const link = page.getByTestId('model-version-link');
    expect(await link.getAttribute('href')).toBe(`/models/${encodeURIComponent('multimodal-joint-demo@1.0.0')}`);
    await link.click();
    await page.getByTestId('model-version').waitFor();
    expect(await page.getByTestId('model-title').innerText()).toMatch(/multimodal-joint-demo 1\.0\.0\s*SYNTHETIC/i);
    expect(await page.getByTestId('model-metrics').innerText()).toMatch(/Harrell's C, held-out test\s*0\.793/);
    expect(await page.getByTestId('evaluation-data').innerText()).toMatch(/held-out test split \(n = 200, 116 events\) of multimodal-joint-demo@1\.0\.0: .* — SYNTHETIC data/);
    expect(await page.getByTestId('evaluation-rows').innerText()).toMatch(/^Held-out test split \(n = 200, 116 events\): rows never used in training/);
    // (innerText follows the heading's CSS upper-casing.)
    expect(await page.locator('#evaluation h2').innerText()).toMatch(/Evaluation on the held-out test split \(n = 200\)/i);
    expect(await page.getByTestId('km-group').count()).toBe(3);
    expect(await page.getByTestId('km-risk-groups').innerText()).toMatch(/low risk \(n = \d+.*high risk \(n = \d+/s);
    // Calibration: five groups; the highest-risk group has the lowest predicted and observed survival.
    const points = page.getByTestId('calibration-point');
    expect(await points.count()).toBe(5);
    const first = Number(await points.first().getAttribute('data-observed'));
    const last = Number(await points.last().getAttribute('data-observed'));
    expect(last).toBeLessThan(first);
    expect(await page.getByTestId('model-card').innerText()).toContain('SYNTHETIC — DEMO MODEL, NOT FOR CLINICAL USE');
    await screenshot(page, shots, 'model-version-page');
    expect(errors).toEqual([]);
  });

  it('shows four modality contributions for a patient with EHR, CT with a lesion mask, a pathology report and a VCF', async () => {
    // Jenny (global setup): the mCODE record, two CT timepoints with masks, a pathology report and a somatic VCF.
    const { page, errors } = await openPage(browser);
    await page.goto(`${web}/patients/${encodeURIComponent(JENNY)}`);
    await page.getByTestId('risk-panel').waitFor();
    const rows = page.getByTestId('contribution-row');
    expect(await rows.count()).toBe(4);
    const modules = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-module')));
    expect([...modules].sort()).toEqual(['clinical', 'genomics-alterations', 'imaging-lesions', 'pathology-report']);
    for (const text of await rows.allInnerTexts()) expect(text).toMatch(/(raised|lowered) risk by \d\.\d{3} · attention \d+%/);
    expect(await page.getByTestId('prediction-stamp').innerText()).toMatch(/from clinical@1\.0\.0 .*genomics-alterations@0\.1\.0 .*imaging-lesions@0\.3\.0 .*pathology-report@/s);
    await screenshot(page, shots, 'model-risk-panel-four-modalities');
    expect(errors).toEqual([]);
  });

  it('"Recompute" stores a new prediction with the active version and names who computed it', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${web}/patients/${encodeURIComponent(JOHN)}`);
    await page.getByTestId('risk-panel').waitFor();
    const before = await page.getByTestId('prediction-computed-by').innerText();
    const riskBefore = await page.getByTestId('risk-value').innerText();
    const button = page.getByTestId('compute-risk');
    expect(await button.innerText()).toBe('Recompute');
    await button.click();
    // The panel reloads the latest prediction: now the signed-in user's.
    const computedBy = page.getByTestId('prediction-computed-by');
    await page.waitForFunction((name) => document.querySelector('[data-testid="prediction-computed-by"]')?.textContent?.includes(`by ${name} with`), username, { timeout: 30_000 });
    expect(await computedBy.innerText()).toMatch(new RegExp(`^Computed .* by ${username} with multimodal-joint-demo@1\\.0\\.0\\.$`));
    expect(await computedBy.innerText()).not.toBe(before);
    expect(await page.getByTestId('compute-risk-error').count()).toBe(0);
    // The same model and the same inputs give the same risk.
    expect(await page.getByTestId('risk-value').innerText()).toBe(riskBefore);
    await screenshot(page, shots, 'model-risk-recomputed');
    expect(errors).toEqual([]);
  });

  it('lists the model versions and the platform modules', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${web}/models`);
    await page.getByTestId('module-list').waitFor();
    expect(await page.getByTestId('model-list').innerText()).toMatch(/multimodal-joint-demo 1\.0\.0\s*active\s*SYNTHETIC/i);
    const modules = await page.getByTestId('module-list').innerText();
    expect(modules).toMatch(/clinical 1\.0\.0\s*clinical\s*26/);
    expect(modules).toMatch(/imaging/);
    expect(errors).toEqual([]);
  });
});
