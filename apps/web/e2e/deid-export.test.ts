/**
 * The de-identified export page in real Chromium: pick Jenny M. (her record and her synthetic pathology report are
 * in the e2e store), export, and read the downloaded file: a FHIR Bundle in which none of her names, identifiers,
 * birth date, address or resource id appears, with her report text masked. The key is the API server's
 * environment: global-setup passes the test process's environment on, so the download path runs when
 * ONCOBOARD_DEID_KEY is set there; without it the page must say that the server is not configured.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, openPage, screenshot } from './browser';

const skip = inject('e2eSkip');
const web = inject('webUrl');
const shots = inject('screenshotDir');
const JENNY = 'Patient/cancer-patient-jenny-m';
const serverHasKey = (process.env.ONCOBOARD_DEID_KEY ?? '').length >= 32;

type Json = Record<string, unknown>;
const jenny = JSON.parse(readFileSync(join(resolve(__dirname, '../../..'), 'demo/mcode-stu4/Patient-cancer-patient-jenny-m.json'), 'utf8')) as {
  id: string;
  birthDate: string;
  name: { given?: string[]; family?: string }[];
  identifier: { value: string }[];
  address?: { line?: string[]; city?: string; postalCode?: string }[];
};
/** Her identifying strings (3+ characters: her family name "M" is checked through the full name instead). */
const secrets = [
  jenny.id,
  jenny.birthDate,
  'Jenny M',
  ...jenny.name.flatMap((n) => [...(n.given ?? []), n.family ?? '']),
  ...jenny.identifier.map((i) => i.value),
  ...(jenny.address ?? []).flatMap((a) => [...(a.line ?? []), a.city ?? '', a.postalCode ?? '']),
].filter((s) => s.length >= 3);

describe.skipIf(skip !== '')('de-identified export in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser(inject('chromiumPath'));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('exports a chosen patient as a downloaded FHIR Bundle with none of her identifiers (or says the server has no key)', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${web}/export`);
    expect(await page.getByTestId('deid-dicom-note').innerText()).toContain('DICOM images are not part of this download');
    await page.locator(`[data-testid="deid-patient"][value="${JENNY}"]`).check();
    if (!serverHasKey) {
      await page.getByTestId('deid-export').click();
      expect(await page.getByTestId('error-notice').innerText()).toContain('de-identified export is not configured on this server: ONCOBOARD_DEID_KEY is not set');
      return;
    }
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('deid-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^oncoboard-deid-[0-9a-f]{32}\.json$/);
    const text = readFileSync((await download.path())!, 'utf8');
    const bundle = JSON.parse(text) as { resourceType: string; type: string; entry: { fullUrl: string; resource: Json }[] };
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.type).toBe('collection');
    expect(bundle.entry.filter((e) => e.resource.resourceType === 'Patient')).toHaveLength(1);
    expect(bundle.entry.length).toBeGreaterThan(20);
    // Her report, as a masked text: decode it and search it too.
    const reports = bundle.entry
      .filter((e) => e.resource.resourceType === 'DocumentReference')
      .map((e) => Buffer.from(String((e.resource.content as { attachment: { data: string } }[])[0]!.attachment.data), 'base64').toString('utf8'));
    expect(reports.length).toBeGreaterThanOrEqual(1);
    const everything = `${text}\n${reports.join('\n')}`;
    const leaks = secrets.filter((s) => new RegExp(`(?<![A-Za-z0-9])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`, 'i').test(everything));
    expect(leaks).toEqual([]);
    // The page shows what was exported, by pseudonym.
    const summary = await page.getByTestId('deid-summary').innerText();
    expect(summary).toMatch(/^1 patients, \d+ resources/);
    expect(summary).not.toContain('Jenny');
    await screenshot(page, shots, '60-deid-export');
    expect(errors).toEqual([]);
  });
});
