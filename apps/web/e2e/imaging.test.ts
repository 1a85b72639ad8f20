/**
 * The imaging page in real headless Chromium: two CT timepoints of the breast cancer patient (synthetic phantoms
 * imported by the CLI in global-setup.ts), the slice viewer drawing real pixels, the lesion table and the RECIST chart.
 */
import type { Page } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, openPage, screenshot } from './browser';

const skip = inject('e2eSkip');
const web = inject('webUrl');
const shots = inject('screenshotDir');

/** A cheap fingerprint of the canvas pixels, and how many are not black. */
async function canvasPixels(page: Page): Promise<{ hash: number; nonBlack: number; coloured: number; total: number }> {
  return page.getByTestId('slice-canvas').evaluate((el) => {
    const canvas = el as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let hash = 0;
    let nonBlack = 0;
    let coloured = 0;
    for (let p = 0; p < data.length; p += 4) {
      const [r, g, b] = [data[p]!, data[p + 1]!, data[p + 2]!];
      if (r + g + b > 0) nonBlack++;
      if (r !== g || g !== b) coloured++;
      hash = (hash * 31 + r * 7 + g * 3 + b) | 0;
    }
    return { hash, nonBlack, coloured, total: data.length / 4 };
  });
}

/** Waits until the canvas says it drew what `pattern` describes ("<plane>:<index>:<W>:<L>:<mask|nomask>@<series key>"). */
async function waitDrawn(page: Page, pattern: RegExp): Promise<string> {
  await page.waitForFunction(
    ([source, flags]) => new RegExp(source!, flags).test(document.querySelector('[data-testid="slice-canvas"]')?.getAttribute('data-drawn') ?? ''),
    [pattern.source, pattern.flags],
    { timeout: 15_000 },
  );
  return (await page.getByTestId('slice-canvas').getAttribute('data-drawn')) ?? '';
}

describe.skipIf(skip !== '')('imaging in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser(inject('chromiumPath'));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows two CT timepoints, scrolls slices, windows, overlays the mask, and charts a partial response', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${web}/patients/${encodeURIComponent('Patient/cancer-patient-jenny-m')}`);
    const link = page.getByTestId('open-imaging');
    await link.waitFor();
    expect(await link.innerText()).toMatch(/2 series/);
    await link.click();
    await page.waitForURL(/\/patients\/Patient%2Fcancer-patient-jenny-m\/imaging$/);

    // Two series, oldest first.
    await page.getByTestId('series-item').first().waitFor();
    const items = page.getByTestId('series-item');
    expect(await items.count()).toBe(2);
    expect(await items.nth(0).innerText()).toMatch(/CT[\s\S]*2024[\s\S]*baseline[\s\S]*32 slices/);
    expect(await items.nth(1).innerText()).toMatch(/follow-up/);

    // The canvas draws the middle axial slice of the selected (latest) series.
    const canvas = page.getByTestId('slice-canvas');
    await waitDrawn(page, /^axial:15:/);
    const first = await canvasPixels(page);
    expect(first.nonBlack / first.total).toBeGreaterThan(0.2);
    expect(await page.getByTestId('slice-readout').innerText()).toMatch(/16 \/ 32/);
    // 64×64 px of 2×2 mm: square.
    const box = (await canvas.boundingBox())!;
    expect(Math.abs(box.width - box.height)).toBeLessThan(2);

    // The wheel scrolls one slice; the arrow keys too.
    await canvas.hover();
    await page.mouse.wheel(0, 120);
    await waitDrawn(page, /^axial:16:/);
    expect(await canvas.getAttribute('data-index')).toBe('16');
    await canvas.focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await waitDrawn(page, /^axial:14:/);
    await page.keyboard.press('ArrowDown');
    await waitDrawn(page, /^axial:15:/);
    expect((await canvasPixels(page)).hash).toBe(first.hash);

    // The lesion is on the middle slice: the overlay tints it, and turning it off leaves grey pixels only.
    expect(first.coloured).toBeGreaterThan(0);
    await page.getByTestId('mask-toggle').uncheck();
    await waitDrawn(page, /:nomask@/);
    const noMask = await canvasPixels(page);
    expect(noMask.coloured).toBe(0);
    expect(noMask.hash).not.toBe(first.hash);
    await page.getByTestId('mask-toggle').check();
    await waitDrawn(page, /:mask@/);

    // Presets change the pixels and the W/L readout.
    expect(await page.getByTestId('wl-readout').innerText()).toMatch(/W 400 \/ L 40/);
    await page.getByTestId('preset-lung').click();
    await waitDrawn(page, /:1500:-600:/);
    const lung = await canvasPixels(page);
    expect(lung.hash).not.toBe(first.hash);
    expect(await page.getByTestId('wl-readout').innerText()).toMatch(/W 1500 \/ L -600/);
    await screenshot(page, shots, '20-imaging-lung-window');
    await page.getByTestId('preset-bone').click();
    await waitDrawn(page, /:1800:400:/);
    expect((await canvasPixels(page)).hash).not.toBe(lung.hash);
    await page.getByTestId('preset-softTissue').click();
    await waitDrawn(page, /:400:40:/);

    // Dragging on the image windows it: right widens, down raises the level (1/256 of the volume's range a pixel).
    const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    await page.mouse.move(centre.x, centre.y);
    await page.mouse.down();
    await page.mouse.move(centre.x + 40, centre.y + 20, { steps: 4 });
    await page.mouse.up();
    await waitDrawn(page, /^axial:15:(?!400:40:)\d+:-?\d+:/);
    const [, dragWidth, dragLevel] = /W (\d+) \/ L (-?\d+)/.exec(await page.getByTestId('wl-readout').innerText())!.map(Number);
    expect(dragWidth).toBeGreaterThan(400);
    expect(dragLevel).toBeGreaterThan(40);
    expect(dragLevel! - 40).toBeCloseTo((dragWidth! - 400) / 2, -1);
    expect(await page.getByTestId('preset-softTissue').getAttribute('aria-pressed')).toBe('false');
    await page.getByTestId('preset-softTissue').click();
    await waitDrawn(page, /:400:40:/);

    // Planes: coronal is 64 wide by 32 slices of 2 mm (twice as wide as tall).
    await page.getByTestId('plane-coronal').click();
    await waitDrawn(page, /^coronal:31:/);
    const coronalBox = (await canvas.boundingBox())!;
    expect(coronalBox.width / coronalBox.height).toBeCloseTo(2, 1);
    await page.getByTestId('plane-sagittal').click();
    await waitDrawn(page, /^sagittal:/);
    await page.getByTestId('plane-axial').click();
    await waitDrawn(page, /^axial:15:/);

    // The other series.
    await items.nth(0).click();
    const baselineKey = (await items.nth(0).getAttribute('data-series-key'))!;
    await waitDrawn(page, new RegExp(`^axial:15:.*@${baselineKey.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`));
    expect((await canvasPixels(page)).nonBlack).toBeGreaterThan(0);

    // Lesions: ~8 mL at baseline, ~2.5 mL at follow-up, each value cited.
    const volumes = await page.getByTestId('lesion-volume').allInnerTexts();
    expect(volumes.length).toBe(2);
    expect(Number.parseFloat(volumes[0]!)).toBeCloseTo(8, 0);
    expect(Number.parseFloat(volumes[1]!)).toBeCloseTo(2.5, 0);
    expect(await page.getByTestId('lesion-longest').first().innerText()).toMatch(/^\d+\.\d mm$/);
    // The chart: one line (L1), RECIST PR at follow-up.
    expect(await page.getByTestId('diameter-line').count()).toBe(1);
    const responses = await page.getByTestId('recist-label').evaluateAll((els) => els.map((e) => e.getAttribute('data-response')));
    expect(responses).toEqual(['BASELINE', 'PR']);
    expect(await page.getByTestId('recist-list').innerText()).toMatch(/Partial response \(PR\)/);
    await page.getByTestId('lesion-table').scrollIntoViewIfNeeded();
    const shot = await screenshot(page, shots, '21-imaging-jenny');
    expect(shot).toMatch(/21-imaging-jenny\.png$/);

    // A lesion value opens its source record (the lesion-measurements record, lesion element).
    const valueLink = page.getByTestId('lesion-volume').nth(1).locator('a');
    const href = (await valueLink.getAttribute('href'))!;
    expect(href).toMatch(/^\/sources\/imaging%2Flesions%2F[^?]+\?path=lesions%5B0%5D$/);
    await valueLink.click();
    await page.waitForURL(/\/sources\/imaging%2Flesions%2F/);
    await page.getByTestId('content-hash').waitFor();
    expect(await page.locator('body').innerText()).toMatch(/volumeMl/);
    await screenshot(page, shots, '22-imaging-lesion-source', false);

    expect(errors).toEqual([]);
  });
});
