/**
 * The coordinator's and the oncologist's tumor-board path in real headless Chromium against the real API and the
 * production build: schedule a meeting, put a patient on the agenda, prepare all, open the case, click a citation
 * (its source opens in place with the element highlighted), record the decision, print the packet to PDF.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, openPage, screenshot } from './browser';

const skip = inject('e2eSkip');
const web = inject('webUrl');
const shots = inject('screenshotDir');

describe.skipIf(skip !== '')('tumor board in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser(inject('chromiumPath'));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('runs a meeting from scheduling to the decision and the PDF packet', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${web}/boards`);
    const form = page.getByTestId('new-board-form');
    await form.getByLabel('Title').fill('Breast tumor board');
    await form.getByLabel('Specialty').selectOption('breast');
    await form.getByLabel('Date and time').fill('2024-05-02T08:00');
    await form.getByLabel('Attendees (one per line)').fill('Dr. Medical Oncology\nDr. Radiology');
    await form.getByLabel('Scheduled by').fill('Care coordinator');
    await form.getByRole('button', { name: 'Schedule' }).click();
    await page.waitForURL(/\/boards\/board-[0-9a-f-]{36}$/);
    expect(await page.getByTestId('board-title').innerText()).toBe('Breast tumor board');

    // Put Jenny on the agenda.
    const add = page.getByTestId('add-case-form');
    await add.getByLabel('Find patient').fill('jenny');
    await page.waitForFunction(() => {
      const select = document.querySelector<HTMLSelectElement>('#case-patient');
      return !!select && select.options.length === 1 && select.options[0]!.value === 'Patient/cancer-patient-jenny-m';
    }, undefined, { timeout: 15_000 });
    await add.getByLabel('Question to the board').fill('Adjuvant endocrine therapy after chemotherapy?');
    await add.getByLabel('Presenter').fill('Dr. Medical Oncology');
    await add.getByRole('button', { name: 'Add to agenda' }).click();
    await page.getByTestId('board-case').first().waitFor();
    expect(await page.getByTestId('board-case').count()).toBe(1);

    await page.getByTestId('prepare-all').click();
    await page.getByTestId('prepare-result').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('prepare-result').innerText()).toMatch(/Prepared 1 case: \d+ verified sentences, 0 withheld by the verifier\./);
    await screenshot(page, shots, '20-board-agenda');

    // The case: every sentence carries citations; clicking one opens the source beside the summary.
    await page.getByTestId('board-case-link').click();
    await page.getByTestId('case-summary').waitFor();
    const sentences = page.getByTestId('summary-sentence');
    expect(await sentences.count()).toBeGreaterThan(20);
    const her2 = sentences.filter({ hasText: 'HER2 [Interpretation]' }).first();
    expect(await her2.innerText()).toContain('HER2 [Interpretation] in Tissue: Negative, 2018-03-10.');
    const citation = her2.getByTestId('citation').nth(1);
    expect(await citation.getAttribute('data-cited-path')).toBe('Observation.valueCodeableConcept');
    await citation.click();
    const panel = page.getByTestId('citation-panel');
    await panel.getByText('Observation/tumor-marker-test-her2-jenny-m').first().waitFor();
    await panel.locator('[data-highlighted="true"]').first().waitFor({ timeout: 15_000 });
    expect((await panel.locator('[data-highlighted="true"]').allInnerTexts()).join('\n')).toContain('Negative');
    // Her two CT timepoints (global setup) are measured and cited; a section without data says so.
    expect(await page.getByTestId('summary-section-imaging').innerText()).toMatch(/Lesion 1 on CT of 2024-01-10: volume \d/);
    expect(await page.getByTestId('summary-section-model').innerText()).toContain('No joint-model prediction is on record for this patient.');
    // Her report is quoted (negation said), her VCF's on-label CIViC evidence cited with PubMed and the KB version.
    expect(await page.getByTestId('summary-section-pathology').innerText()).toContain('Lymphovascular invasion: absent — “lymphovascular invasion is identified”.');
    expect(await page.getByTestId('summary-section-genomics').innerText()).toMatch(/PIK3CA ENSP00000263967\.3:p\.His1047Arg matches CIViC .+\(the patient's cancer type\); PubMed \d+/);
    await screenshot(page, shots, '21-case-summary-citation');

    // The decision.
    const decision = page.getByTestId('decision-form');
    await decision.getByLabel('Recommendation').fill('Anastrozole for 5 years.');
    await decision.getByLabel('Rationale').fill('ER-positive, HER2-negative, pN0 after surgery and chemotherapy.');
    await decision.getByLabel('Attendees present (one per line)').fill('Dr. Medical Oncology');
    await decision.getByLabel('Recorded by').fill('Dr. Medical Oncology');
    await page.getByTestId('record-decision').click();
    await page.getByTestId('decision-recorded').waitFor();

    // The packet as PDF, printed by headless Chromium on the server.
    const boardUrl = page.url().replace(/\/cases\/.*$/, '');
    const boardId = boardUrl.split('/').at(-1)!;
    const pdf = await page.request.get(`${web}/api/boards/${boardId}/packet.pdf`, { timeout: 90_000 });
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    const bytes = await pdf.body();
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.length).toBeGreaterThan(10_000);
    expect(errors).toEqual([]);
  });
});
