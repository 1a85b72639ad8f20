'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ImagingSeriesItem } from '@oncoboard/api-router';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { formatDate } from '../../lib/format';
import {
  decodeMask,
  decodeValues,
  displaySize,
  middleIndex,
  PRESET_LABELS,
  renderSlice,
  stepIndex,
  WINDOW_PRESETS,
  type WindowPresetName,
} from '../../lib/imaging-view';
import { useTRPC } from '../../lib/trpc';
import { ErrorNotice } from '../ui';

type Plane = 'axial' | 'coronal' | 'sagittal';
const PLANES: Plane[] = ['axial', 'coronal', 'sagittal'];
const BOX = 512;

/** Slices per plane on the display axes imaging.slice uses (L-P-S): axial = k, coronal = j, sagittal = i. */
function planeCount(series: ImagingSeriesItem, plane: Plane): number {
  return plane === 'axial' ? series.dims[2] : plane === 'coronal' ? series.dims[1] : series.dims[0];
}

/** `initialAxialIndex`: the axial slice to open on (e.g. through a cited lesion's centroid); default the middle one. */
export function SliceViewer({ series, initialAxialIndex }: { series: ImagingSeriesItem; initialAxialIndex?: number }) {
  const trpc = useTRPC();
  const [plane, setPlane] = useState<Plane>('axial');
  const [indexByPlane, setIndexByPlane] = useState<Record<Plane, number>>(() => ({
    axial: initialAxialIndex ?? middleIndex(planeCount(series, 'axial')),
    coronal: middleIndex(planeCount(series, 'coronal')),
    sagittal: middleIndex(planeCount(series, 'sagittal')),
  }));
  const [windowing, setWindowing] = useState<{ width: number; level: number; preset: WindowPresetName | 'custom' }>({ ...WINDOW_PRESETS.softTissue, preset: 'softTissue' });
  const [overlay, setOverlay] = useState(true);
  const lesionRecordKey = series.lesionRecordKeys[0];
  const count = planeCount(series, plane);
  const index = Math.min(indexByPlane[plane], Math.max(0, count - 1));
  const setIndex = (next: number) => setIndexByPlane((cur) => ({ ...cur, [plane]: stepIndex(next, 0, count) }));
  const ids = { slider: useId(), width: useId(), level: useId() };

  const slice = useQuery(
    trpc.imaging.slice.queryOptions(
      { seriesKey: series.key, plane, index, ...(lesionRecordKey ? { lesionRecordKey } : {}) },
      { placeholderData: keepPreviousData, staleTime: Infinity },
    ),
  );
  const decoded = useMemo(() => {
    const d = slice.data;
    if (!d) return undefined;
    return { ...d, pixels: decodeValues(d.values, d.dtype), labels: d.mask ? decodeMask(d.mask) : undefined };
  }, [slice.data]);

  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState('');
  const size = decoded ? displaySize(decoded.width, decoded.height, decoded.pixelSpacing, BOX) : { width: BOX, height: BOX };

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !decoded) return;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return;
    const rgba = renderSlice(decoded.pixels, windowing.width, windowing.level, overlay ? decoded.labels : undefined);
    const image = new ImageData(new Uint8ClampedArray(rgba), decoded.width, decoded.height);
    const off = document.createElement('canvas');
    off.width = decoded.width;
    off.height = decoded.height;
    off.getContext('2d')!.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
    setDrawn(`${decoded.plane}:${decoded.index}:${windowing.width}:${windowing.level}:${overlay && decoded.labels ? 'mask' : 'nomask'}@${decoded.seriesKey}`);
  }, [decoded, windowing, overlay, size.width, size.height]);

  // Wheel scrolls slices; a native listener, so the page does not scroll with it.
  const latest = useRef({ index, count });
  latest.current = { index, count };
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      if (e.deltaY === 0) return;
      const { index: i, count: n } = latest.current;
      setIndexByPlane((cur) => ({ ...cur, [plane]: stepIndex(i, e.deltaY > 0 ? 1 : -1, n) }));
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => canvas.removeEventListener('wheel', onWheel);
  }, [plane]);

  // Dragging on the image windows it, as in PACS viewers: right widens the window, down raises the level. One
  // pixel of drag moves them by 1/256 of the volume's intensity range (at least 1), so the whole range is a drag away.
  const drag = useRef<{ x: number; y: number; width: number; level: number } | undefined>(undefined);
  const dragStep = decoded ? Math.max(1, (decoded.max - decoded.min) / 256) : 1;
  const onPointerDown = (e: React.PointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, y: e.clientY, width: windowing.width, level: windowing.level };
  };
  const onPointerMove = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const start = drag.current;
    if (!start) return;
    const width = Math.max(1, Math.round(start.width + (e.clientX - start.x) * dragStep));
    const level = Math.round(start.level + (e.clientY - start.y) * dragStep);
    setWindowing((w) => (w.width === width && w.level === level ? w : { width, level, preset: 'custom' }));
  };
  const onPointerUp = () => {
    drag.current = undefined;
  };

  const onKey = (e: React.KeyboardEvent) => {
    const step = { ArrowUp: -1, ArrowLeft: -1, ArrowDown: 1, ArrowRight: 1, PageUp: -10, PageDown: 10 }[e.key];
    if (step !== undefined) {
      e.preventDefault();
      setIndex(index + step);
    } else if (e.key === 'Home') setIndex(0);
    else if (e.key === 'End') setIndex(count - 1);
  };

  return (
    <section className="card" aria-labelledby="viewer-heading">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-100 px-4 py-3">
        <h2 id="viewer-heading" className="card-title">
          {series.modality} {series.date ? formatDate(series.date) : ''} {series.description ? `· ${series.description}` : ''}
        </h2>
        <div className="flex rounded-md border border-slate-300 bg-white p-0.5 text-sm shadow-sm" role="tablist" aria-label="Plane">
          {PLANES.map((p) => (
            <button
              key={p}
              type="button"
              role="tab"
              aria-selected={plane === p}
              data-testid={`plane-${p}`}
              onClick={() => setPlane(p)}
              className={`rounded px-3 py-1 font-medium capitalize ${plane === p ? 'bg-sky-700 text-white' : 'text-slate-600 hover:bg-slate-50'}`}
            >
              {p}
            </button>
          ))}
        </div>
      </div>
      <div className="flex flex-wrap gap-4 p-4">
        <div className="space-y-2">
          <div className="flex items-center justify-center rounded-md bg-black" style={{ width: BOX, height: BOX }}>
            <canvas
              ref={canvasRef}
              width={size.width}
              height={size.height}
              style={{ width: size.width, height: size.height }}
              tabIndex={0}
              onKeyDown={onKey}
              onPointerDown={onPointerDown}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
              onPointerCancel={onPointerUp}
              aria-label={`${plane} slice ${index + 1} of ${count}; mouse wheel or arrow keys to scroll, drag to window`}
              data-testid="slice-canvas"
              data-plane={plane}
              data-index={decoded?.index ?? ''}
              data-drawn={drawn}
              className="cursor-crosshair touch-none outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
            />
          </div>
          <div className="flex items-center gap-3 text-sm">
            <label htmlFor={ids.slider} className="text-slate-600">
              Slice
            </label>
            <input
              id={ids.slider}
              type="range"
              min={0}
              max={Math.max(0, count - 1)}
              value={index}
              onChange={(e) => setIndex(Number(e.target.value))}
              className="flex-1"
              data-testid="slice-slider"
            />
            <span className="w-20 text-right tabular-nums" data-testid="slice-readout">
              {index + 1} / {count}
            </span>
          </div>
          {slice.isError ? <ErrorNotice error={slice.error} what="the slice" /> : null}
        </div>
        <div className="min-w-56 flex-1 space-y-4 text-sm">
          <fieldset>
            <legend className="mb-1 font-medium text-slate-700">Window</legend>
            <div className="flex flex-wrap gap-1">
              {(Object.keys(WINDOW_PRESETS) as WindowPresetName[]).map((name) => (
                <button
                  key={name}
                  type="button"
                  aria-pressed={windowing.preset === name}
                  data-testid={`preset-${name}`}
                  onClick={() => setWindowing({ ...WINDOW_PRESETS[name], preset: name })}
                  className={windowing.preset === name ? 'btn-primary' : 'btn'}
                >
                  {PRESET_LABELS[name]}
                </button>
              ))}
            </div>
            <div className="mt-2 flex items-center gap-2">
              <label htmlFor={ids.width} className="text-slate-600">
                W
              </label>
              <input
                id={ids.width}
                type="number"
                min={1}
                className="input w-24"
                value={windowing.width}
                data-testid="window-width"
                onChange={(e) => setWindowing((w) => ({ ...w, width: Math.max(1, Number(e.target.value) || 1), preset: 'custom' }))}
              />
              <label htmlFor={ids.level} className="text-slate-600">
                L
              </label>
              <input
                id={ids.level}
                type="number"
                className="input w-24"
                value={windowing.level}
                data-testid="window-level"
                onChange={(e) => setWindowing((w) => ({ ...w, level: Number(e.target.value) || 0, preset: 'custom' }))}
              />
            </div>
            <p className="mt-1 text-slate-500 tabular-nums" data-testid="wl-readout">
              W {windowing.width} / L {windowing.level} HU{decoded ? ` · volume ${Math.round(decoded.min)}…${Math.round(decoded.max)}` : ''}
            </p>
          </fieldset>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={overlay} disabled={!lesionRecordKey} onChange={(e) => setOverlay(e.target.checked)} data-testid="mask-toggle" />
            Lesion mask overlay{lesionRecordKey ? '' : ' (no mask imported)'}
          </label>
          {decoded ? (
            <p className="text-xs text-slate-500" data-testid="slice-geometry">
              {decoded.width}×{decoded.height} px of {decoded.pixelSpacing.map((s) => Math.round(s * 100) / 100).join('×')} mm
            </p>
          ) : null}
          <p className="text-xs text-slate-500">
            Patient planes, whatever plane the series was acquired in (radiological view: the patient&apos;s right on the left). Wheel, slider or
            arrow keys scroll; drag on the image to window (right: wider, down: higher level).
          </p>
        </div>
      </div>
    </section>
  );
}
