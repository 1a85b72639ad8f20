/**
 * The oncologist's and the care coordinator's path through the app, in real headless Chromium against the real
 * API (SQLite, demo cohort imported by the CLI) and the production build (`next start`). See global-setup.ts.
 * Screenshots go to /tmp/oncoboard-e2e/.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, openPage, screenshot } from './browser';

const skip = inject('e2eSkip');
const web = inject('webUrl');
const shots = inject('screenshotDir');

async function rowCount(page: Page): Promise<number> {
  return page.getByTestId('patient-row').count();
}

/** Every link that presents a cited value goes to the source view. */
async function citedHrefs(page: Page): Promise<string[]> {
  return page.locator('a.cited').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
}

describe.skipIf(skip !== '')('patient flow in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser(inject('chromiumPath'));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('finds the breast cancer patient, shows her stage and receptors, and follows a timeline event to its highlighted source', async () => {
    const { page, errors } = await openPage(browser);

    // The patient list.
    await page.goto(`${web}/`);
    await page.getByTestId('patient-row').first().waitFor();
    expect(await rowCount(page)).toBeGreaterThanOrEqual(7);
    await screenshot(page, shots, '01-patient-list');

    // Search "jenny".
    await page.getByTestId('patient-search').fill('jenny');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="patient-row"]').length === 1, undefined, { timeout: 15_000 });
    const row = page.getByTestId('patient-row');
    expect(await row.getAttribute('data-patient-key')).toBe('Patient/cancer-patient-jenny-m');
    await page.waitForURL(/[?&]q=jenny/);
    await screenshot(page, shots, '02-search-jenny');

    // Her overview: stage (clinical and pathologic) and ER / PR / HER2, every value cited.
    await row.getByRole('link').first().click();
    await page.waitForURL(/\/patients\/Patient%2Fcancer-patient-jenny-m$/);
    await page.getByTestId('condition').first().waitFor();
    expect(await page.getByTestId('patient-name').innerText()).toMatch(/Jenny/);
    const clinical = page.getByTestId('stage-clinical').first();
    expect(await clinical.getByTestId('stage-group').innerText()).toMatch(/\bIIB\b/);
    expect(await clinical.getByTestId('stage-t').innerText()).toMatch(/cT3/);
    expect(await clinical.getByTestId('stage-n').innerText()).toMatch(/cN0/);
    expect(await clinical.getByTestId('stage-m').innerText()).toMatch(/cM0/);
    expect(await page.getByTestId('stage-pathological').first().getByTestId('stage-group').innerText()).toMatch(/\bIIB\b/);
    for (const [marker, result] of [
      ['ER', 'Positive'],
      ['PR', 'Negative'],
      ['HER2', 'Negative'],
    ] as const) {
      const markerRow = page.getByTestId(`biomarker-${marker}`).first();
      expect(await markerRow.innerText(), marker).toContain(result);
      expect(await markerRow.locator('a[data-cited-path]').first().getAttribute('href'), marker).toMatch(/^\/sources\/fhir%2FObservation%2F[^?]+\?path=Observation\./);
    }
    const hrefs = await citedHrefs(page);
    expect(hrefs.length).toBeGreaterThan(15);
    // Her values cite FHIR resources, and (since global setup imports her pathology report) report texts.
    for (const href of hrefs) expect(href).toMatch(/^\/sources\/(fhir|pathology)%2F/);
    expect(hrefs.some((h) => h.startsWith('/sources/fhir%2F'))).toBe(true);
    await screenshot(page, shots, '03-overview-jenny');

    // A biomarker value opens its Observation with the value element highlighted.
    await page.getByTestId('biomarker-ER').first().locator('a[data-cited-path]').first().click();
    await page.waitForURL(/\/sources\/fhir%2FObservation%2F/);
    await page.locator('[data-highlighted="true"]').first().waitFor();
    const erHighlighted = await page.locator('[data-highlighted="true"]').allInnerTexts();
    expect(erHighlighted.join('\n')).toContain('Positive');
    expect(await page.getByTestId('cited-element-note').innerText()).not.toMatch(/not in this version/);
    await screenshot(page, shots, '04-source-er', false);
    await page.goBack();

    // The timeline.
    await page.getByTestId('open-timeline').click();
    await page.waitForURL(/\/patients\/Patient%2Fcancer-patient-jenny-m\/timeline$/);
    const canvas = page.getByTestId('timeline-canvas');
    await canvas.waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="visible-event"]').length > 0, undefined, { timeout: 15_000 });
    expect(Number(await canvas.getAttribute('data-event-count'))).toBeGreaterThan(20);
    await screenshot(page, shots, '05-timeline-jenny');

    // Pick an event whose mark stands alone (no other mark within 16 px in its lane), from the list of events in
    // view with their drawn positions; "Fit all" spreads the history differently if the opening view has none.
    const listedEvents = async () => {
      await page.waitForTimeout(400); // the list follows the view after 120 ms; let layout settle
      return page.getByTestId('visible-event').evaluateAll((buttons) =>
        buttons.map((b) => ({ id: b.getAttribute('data-event-id')!, x: Number(b.getAttribute('data-x')), y: Number(b.getAttribute('data-y')), text: b.textContent ?? '' })),
      );
    };
    const isolatedIn = (list: { id: string; x: number; y: number; text: string }[]) =>
      list.find((e) => list.every((o) => o === e || o.y !== e.y || Math.abs(o.x - e.x) > 16));
    let isolated = isolatedIn(await listedEvents());
    if (!isolated) {
      await page.getByTestId('zoom-fit').click();
      isolated = isolatedIn(await listedEvents());
    }
    expect(isolated, 'an event whose mark stands alone').toBeDefined();
    const box = (await canvas.boundingBox())!;
    // Hover: the tooltip names the event.
    await page.mouse.move(box.x + isolated!.x, box.y + isolated!.y);
    const tooltip = page.getByTestId('timeline-tooltip');
    await tooltip.waitFor({ state: 'visible' });
    const tooltipText = await tooltip.innerText();
    await screenshot(page, shots, '06-timeline-hover', false);
    // Click: the detail panel shows the same event and links to its source.
    await page.mouse.click(box.x + isolated!.x, box.y + isolated!.y);
    const title = page.getByTestId('event-detail-title');
    await title.waitFor();
    const selectedTitle = await title.innerText();
    expect(tooltipText).toContain(selectedTitle);
    expect(isolated!.text).toContain(selectedTitle);
    await screenshot(page, shots, '07-timeline-selected');

    const sourceLink = page.getByTestId('event-source-link');
    const href = (await sourceLink.getAttribute('href'))!;
    expect(href).toMatch(/^\/sources\/fhir%2F[^?]+\?path=/);
    const citedPath = new URL(href, web).searchParams.get('path')!;
    await sourceLink.click();
    await page.waitForURL(/\/sources\//);
    const highlighted = page.locator('[data-highlighted="true"]');
    await highlighted.first().waitFor();
    const highlightedPath = (await highlighted.first().getAttribute('data-path'))!;
    // The highlighted node is the cited element (a choice element may be resolved to its typed name).
    expect(highlightedPath.startsWith(citedPath.replace(/\[x\]$/, ''))).toBe(true);
    expect(await page.getByTestId('cited-element-note').innerText()).toContain(citedPath);
    const inViewport = await highlighted.first().evaluate((el) => {
      const r = el.getBoundingClientRect();
      const pre = el.closest('pre')!.getBoundingClientRect();
      return r.top >= Math.max(0, pre.top) - 1 && r.bottom <= Math.min(window.innerHeight, pre.bottom) + 1;
    });
    expect(inViewport, 'the cited element is scrolled into view').toBe(true);
    expect(await page.getByTestId('content-hash').innerText()).toMatch(/^[0-9a-f]{64}$/);
    await screenshot(page, shots, '08-source-from-timeline', false);

    // Lane and date filters go to the API and narrow what is drawn.
    await page.goBack();
    await canvas.waitFor();
    const drawn = async () => Number(await canvas.getAttribute('data-event-count'));
    const all = await drawn();
    await page.getByTestId('lane-lab').uncheck();
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="timeline-canvas"]')?.getAttribute('data-event-count')) < n, all);
    const withoutLabs = await drawn();
    await page.getByTestId('range-from').fill('2018-04-01');
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="timeline-canvas"]')?.getAttribute('data-event-count')) < n, withoutLabs);
    expect(await drawn()).toBeGreaterThan(0);
    // The view refits to the filtered events: every one of them is in view (the list follows after 120 ms).
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="visible-event"]').length === n,
      await drawn(),
      { timeout: 5_000 },
    );
    await screenshot(page, shots, '09-timeline-filtered', false);
    await page.getByTestId('range-from').fill('');
    await page.getByTestId('lane-lab').check();
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="timeline-canvas"]')?.getAttribute('data-event-count')) === n, all);

    // The same events as an accessible table.
    await page.getByTestId('view-table').click();
    const table = page.getByTestId('timeline-table');
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBeGreaterThan(20);
    expect(await table.locator('th[aria-sort="ascending"]').count()).toBe(1);
    await screenshot(page, shots, '10-timeline-table');

    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('imports an NDJSON file on the Import page and lists the rejected resource with its place', async () => {
    const { page, errors } = await openPage(browser);
    const dir = mkdtempSync(join(tmpdir(), 'oncoboard-upload-'));
    const file = join(dir, 'upload-test.ndjson');
    const lines = [
      { resourceType: 'Patient', id: 'upload-test-patient', name: [{ family: 'Uploadtest', given: ['Ada'] }], gender: 'female', birthDate: '1970-02-03' },
      {
        resourceType: 'Observation',
        id: 'upload-test-hb',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin' }] },
        subject: { reference: 'Patient/upload-test-patient' },
        effectiveDateTime: '2024-02-01',
        valueQuantity: { value: 12.1, unit: 'g/dL' },
      },
      // Invalid: an Observation without status and code.
      { resourceType: 'Observation', id: 'upload-test-invalid', subject: { reference: 'Patient/upload-test-patient' } },
    ];
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');

    await page.goto(`${web}/import`);
    await page.getByTestId('import-file-input').setInputFiles(file);
    await page.getByTestId('import-submit').click();
    const summary = page.getByTestId('import-summary');
    await summary.waitFor({ timeout: 60_000 });
    expect(Number(await page.getByTestId('import-imported').innerText())).toBe(2);
    expect(Number(await page.getByTestId('import-rejected').innerText())).toBe(1);
    const issues = await page.getByTestId('import-issues').innerText();
    expect(issues).toContain('upload-test.ndjson');
    expect(issues).toMatch(/line 3/);
    await screenshot(page, shots, '11-import');

    // The new patient is searchable at once.
    await page.goto(`${web}/?q=Uploadtest`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="patient-row"]').length === 1, undefined, { timeout: 15_000 });
    expect(await page.getByTestId('patient-row').getAttribute('data-patient-key')).toBe('Patient/upload-test-patient');
    expect(errors).toEqual([]);
    await page.context().close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers an unknown patient and an unknown record with a clear message, not a crash', async () => {
    const { page } = await openPage(browser);
    await page.goto(`${web}/patients/${encodeURIComponent('Patient/does-not-exist')}`);
    // (role=alert alone would also match Next's empty route announcer; other panels, e.g. the prediction, may show
    // their own notice for the same unknown patient)
    const notice = page.getByTestId('error-notice').filter({ hasText: /was not found/ }).first();
    await notice.waitFor();
    expect(await notice.innerText()).toMatch(/Patient\/does-not-exist was not found/);
    await page.goto(`${web}/sources/${encodeURIComponent('fhir/Observation/does-not-exist')}?path=Observation.code`);
    await notice.waitFor();
    expect(await notice.innerText()).toMatch(/fhir\/Observation\/does-not-exist was not found/);
    await screenshot(page, shots, '14-not-found', false);
    await page.context().close();
  });
});
