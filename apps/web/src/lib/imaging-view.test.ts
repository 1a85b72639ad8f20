import { WINDOW_PRESETS as LIB_PRESETS } from '@oncoboard/imaging';
import { describe, expect, it } from 'vitest';
import {
  dateScale,
  decodeMask,
  decodeValues,
  displaySize,
  labelColour,
  middleIndex,
  niceCeil,
  renderSlice,
  stepIndex,
  valueScale,
  windowValue,
  WINDOW_PRESETS,
} from './imaging-view';

describe('window presets', () => {
  it('are the numbers of libs/imaging', () => {
    expect(JSON.parse(JSON.stringify(WINDOW_PRESETS))).toEqual(JSON.parse(JSON.stringify(LIB_PRESETS)));
  });
});

describe('windowValue', () => {
  it('maps the window linearly onto 0..255 and clamps outside it', () => {
    expect(windowValue(40, 400, 40)).toBe(128);
    expect(windowValue(-160, 400, 40)).toBe(0);
    expect(windowValue(240, 400, 40)).toBe(255);
    expect(windowValue(-1000, 400, 40)).toBe(0);
    expect(windowValue(3000, 400, 40)).toBe(255);
    expect(windowValue(-600, 1500, -600)).toBe(128);
  });
  it('treats a zero or negative width as 1 (a threshold)', () => {
    expect(windowValue(10, 0, 0)).toBe(255);
    expect(windowValue(-10, -5, 0)).toBe(0);
  });
});

describe('decoding', () => {
  it('reads little-endian Int16 and Float32 and Uint8 masks from base64', () => {
    const i16 = new Int16Array([-1000, 0, 40, 3071]);
    const f32 = new Float32Array([-1000.5, 0, 40.25]);
    expect([...decodeValues(Buffer.from(i16.buffer).toString('base64'), 'int16')]).toEqual([-1000, 0, 40, 3071]);
    expect([...decodeValues(Buffer.from(f32.buffer).toString('base64'), 'float32')]).toEqual([-1000.5, 0, 40.25]);
    expect([...decodeMask(Buffer.from([0, 1, 2]).toString('base64'))]).toEqual([0, 1, 2]);
  });
});

describe('renderSlice', () => {
  it('writes opaque grey pixels and tints labelled ones', () => {
    const rgba = renderSlice([40, 40], 400, 40, [0, 1]);
    expect([...rgba.slice(0, 4)]).toEqual([128, 128, 128, 255]);
    const [r, g, b] = labelColour(1);
    expect(rgba[4]).toBe(Math.round(128 * 0.55 + r * 0.45));
    expect(rgba[5]).toBe(Math.round(128 * 0.55 + g * 0.45));
    expect(rgba[6]).toBe(Math.round(128 * 0.55 + b * 0.45));
    expect(rgba[7]).toBe(255);
  });
  it('gives different labels different colours', () => {
    expect(labelColour(1)).not.toEqual(labelColour(2));
  });
});

describe('geometry', () => {
  it('keeps the physical aspect ratio from the pixel spacing', () => {
    expect(displaySize(64, 64, [2, 2], 512)).toEqual({ width: 512, height: 512 });
    expect(displaySize(64, 32, [2, 2], 512)).toEqual({ width: 512, height: 256 });
    expect(displaySize(64, 32, [1, 4], 512)).toEqual({ width: 256, height: 512 });
  });
  it('steps through slices within range and opens in the middle', () => {
    expect(stepIndex(5, 1, 10)).toBe(6);
    expect(stepIndex(9, 3, 10)).toBe(9);
    expect(stepIndex(0, -1, 10)).toBe(0);
    expect(middleIndex(32)).toBe(15);
    expect(middleIndex(1)).toBe(0);
  });
});

describe('chart scales', () => {
  const layout = { width: 400, height: 200, left: 40, right: 20, top: 10, bottom: 30 };
  it('spaces dates by time', () => {
    const x = dateScale(['2024-01-01', '2024-01-11', '2024-01-21'], layout);
    expect(x('2024-01-01')).toBe(40);
    expect(x('2024-01-11')).toBe(210);
    expect(x('2024-01-21')).toBe(380);
    expect(dateScale(['2024-01-01'], layout)('2024-01-01')).toBe(210);
  });
  it('scales values from 0 to a round maximum', () => {
    expect(niceCeil(23)).toBe(25);
    expect(niceCeil(26)).toBe(50);
    expect(niceCeil(0.7)).toBe(1);
    const { y, ticks } = valueScale(23, layout);
    expect(ticks).toEqual([0, 6.25, 12.5, 18.75, 25]);
    expect(y(0)).toBe(170);
    expect(y(25)).toBe(10);
  });
});
