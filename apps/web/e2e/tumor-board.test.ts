/**
 * The coordinator's and the oncologist's tumor-board path in real headless Chromium against the real API and the
 * production build: schedule a meeting, put a patient on the agenda, prepare all, open the case, click a citation
 * of each kind (its source opens in place: FHIR JSON with the element highlighted, the report with the span marked,
 * the knowledge-base evidence with its PubMed link, the CT slice with the lesion mask and the measurement, the
 * joint-model prediction and its model card), record the decision, print the packet to PDF.
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
    // Her two CT timepoints (global setup) are measured and cited, with the RECIST category; treatment by line.
    expect(await page.getByTestId('summary-section-imaging').innerText()).toMatch(/Lesion 1 on CT of 2024-01-10: volume \d/);
    expect(await page.getByTestId('summary-section-imaging').innerText()).toMatch(/RECIST v1\.1 target-lesion response on 2024-04-20: partial response \(PR\), sum of longest diameters [\d.]+ mm against [\d.]+ mm at baseline 2024-01-10/);
    expect(await page.getByTestId('summary-section-treatment').innerText()).toContain('First line of systemic therapy: cyclophosphamide, DOXOrubicin, PACLitaxel, from 2018-04-01 to 2018-04-22');
    // The joint model (the SYNTHETIC demo model, `oncoboard predict --all` in global setup) says it is synthetic.
    expect(await page.getByTestId('summary-section-model').innerText()).toMatch(/Joint model \(SYNTHETIC: trained on synthetic data, for demonstration only\) .+ risk score −?[\d.]+/);

    // A report citation: the report text with the cited span marked.
    const lvi = page.getByTestId('summary-section-pathology').getByTestId('summary-sentence').filter({ hasText: 'Lymphovascular invasion: absent' }).first();
    await lvi.getByTestId('citation').first().click();
    await panel.locator('[data-source-kind="report"]').waitFor({ timeout: 15_000 });
    expect((await panel.getByTestId('cited-span').innerText()).toLowerCase()).toContain('lymphovascular invasion is identified');
    expect(await panel.getByTestId('cited-text').innerText()).toContain(await panel.getByTestId('cited-span').innerText());

    // A knowledge-base citation: the evidence item (statement, level, disease, therapy) and its PubMed link.
    const civic = page.getByTestId('summary-sentence').filter({ hasText: 'matches CIViC' }).first();
    await civic.locator('[data-testid="citation"][data-cited-record^="kb/"][data-cited-path="level"]').first().click();
    const kb = panel.getByTestId('kb-evidence');
    await kb.waitFor({ timeout: 15_000 });
    expect(await kb.locator('[data-highlighted="true"]').getAttribute('data-field')).toBe('level');
    expect(await kb.locator('dd[data-field="disease"]').innerText()).toBe('Breast Cancer');
    expect(await kb.locator('dd[data-field="statement"]').innerText()).not.toBe('');
    expect(await panel.getByTestId('pubmed-link').getAttribute('href')).toMatch(/^https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/\d+\/$/);

    // An imaging citation: the series' slice with the lesion mask drawn, and the cited measurement.
    const recist = page.getByTestId('summary-section-imaging').getByTestId('summary-sentence').filter({ hasText: 'RECIST v1.1' }).first();
    await recist.locator('[data-testid="citation"][data-cited-record^="imaging/lesions/"]').last().click();
    await panel.locator('[data-source-kind="imaging"]').waitFor({ timeout: 15_000 });
    expect(await panel.getByTestId('cited-measurement').innerText()).toMatch(/^Lesion 1 \(mask label 1\): longest axial diameter [\d.]+ mm, short axis [\d.]+ mm, volume [\d.]+ mL$/);
    await page.waitForFunction(() => /:mask@dicom\/series\//.test(document.querySelector('[data-testid="citation-panel"] [data-testid="slice-canvas"]')?.getAttribute('data-drawn') ?? ''), undefined, { timeout: 30_000 });
    await screenshot(page, shots, '22-case-citation-imaging');

    // The joint model's prediction: the stored prediction with the cited number highlighted, marked SYNTHETIC.
    const risk = page.getByTestId('summary-section-model').getByTestId('summary-sentence').filter({ hasText: 'risk score' }).first();
    await risk.locator('[data-testid="citation"][data-cited-path="risk"]').click();
    await panel.getByTestId('synthetic-badge').waitFor({ timeout: 15_000 });
    const riskShown = /risk score (−?[\d.]+)/.exec(await risk.innerText())![1]!.replace('−', '-');
    const riskLine = (await panel.locator('[data-highlighted="true"]').allInnerTexts()).join(' ');
    expect(Number(/-?\d+(\.\d+)?(e-?\d+)?/.exec(riskLine.split(':').at(-1)!)![0]).toFixed(2)).toBe(Number(riskShown).toFixed(2));
    // And a limit of the model, quoted from its model card with the span marked.
    const limit = page.getByTestId('summary-section-model').getByTestId('summary-sentence').filter({ hasText: 'Limit of the synthetic model' }).first();
    await limit.locator('[data-testid="citation"][data-cited-record^="model-card/"]').click();
    await panel.locator('[data-source-kind="model-card"]').waitFor({ timeout: 15_000 });
    expect(await limit.innerText()).toContain(await panel.getByTestId('cited-span').innerText());
    await screenshot(page, shots, '23-case-citation-model');
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
