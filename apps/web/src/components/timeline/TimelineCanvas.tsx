'use client';
/**
 * The timeline chart: one lane per category on a shared time axis, drawn on a <canvas> so that 10,000 events pan
 * and zoom smoothly. The view (time window) lives in a ref, not in React state: wheel, drag and buttons change it
 * and request one animation frame, which draws only the events in view (binary search per lane, one path per lane,
 * at most one mark per pixel column for point events). Hit-testing uses the same index.
 *
 * Keyboard: the chart is focusable (← → pan, + − zoom, 0 fits); the events in view are also listed as buttons
 * below the chart, each with its drawn position (data-x / data-y, CSS pixels inside the canvas).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { formatDateRange } from '../../lib/format';
import { categoryColor, categoryLabel } from '../../lib/timeline-categories';
import {
  axisTicks,
  buildTimelineIndex,
  clampToExtent,
  eventsInView,
  fitView,
  hitTest,
  initialView,
  laneCenter,
  laneTop,
  panBy,
  plotHeight,
  timeToX,
  visibleRange,
  zoomAt,
  type PlacedEvent,
  type TimelineLayout,
  type TimeView,
} from '../../lib/timeline-math';

export interface TimelineCanvasEvent {
  id: string;
  category: string;
  start?: string;
  end?: string;
  title: string;
}

/** What each frame cost, readable from the canvas element (performance checks, the e2e smoothness test). */
export interface TimelineDrawStats {
  frames: number;
  /** Draw time of the most recent frames (ms), oldest first, at most 2,000. */
  drawMs: number[];
  /** Marks drawn in the last frame. */
  marks: number;
  /** Events in the index. */
  events: number;
}

export type TimelineCanvasElement = HTMLCanvasElement & { __timelineStats?: TimelineDrawStats };

const LAYOUT_AXIS = 30;
const LAYOUT_LANE = 40;
const POINT_RADIUS = 4.5;
const HIT_RADIUS = 7;
const LIST_LIMIT = 150;

interface Props<T extends TimelineCanvasEvent> {
  items: readonly T[];
  lanes: readonly string[];
  selectedId?: string;
  onSelect: (item: T) => void;
  /**
   * The view is fitted to the data again whenever this changes (new patient, new date range). Undefined while the
   * items are still the previous query's (placeholder data): fit once the data the key stands for has arrived.
   */
  fitKey?: string;
}

export function TimelineCanvas<T extends TimelineCanvasEvent>({ items, lanes, selectedId, onSelect, fitKey }: Props<T>) {
  const index = useMemo(() => buildTimelineIndex(items, lanes), [items, lanes]);
  const layout: TimelineLayout = useMemo(() => ({ axisHeight: LAYOUT_AXIS, laneHeight: LAYOUT_LANE, laneCount: lanes.length }), [lanes.length]);
  // Where each item sits in the index (lane, position), for drawing the selected and hovered marks.
  const placement = useMemo(() => {
    const lane = new Int32Array(items.length).fill(-1);
    const pos = new Int32Array(items.length).fill(-1);
    index.lanes.forEach((l, li) => l.item.forEach((item, k) => {
      lane[item] = li;
      pos[item] = k;
    }));
    return { lane, pos };
  }, [index, items.length]);
  const selectedIndex = useMemo(() => (selectedId === undefined ? -1 : items.findIndex((i) => i.id === selectedId)), [items, selectedId]);

  const wrapperRef = useRef<HTMLDivElement | null>(null);
  const canvasRef = useRef<TimelineCanvasElement | null>(null);
  const tooltipRef = useRef<HTMLDivElement | null>(null);
  const viewRef = useRef<TimeView | undefined>(undefined);
  const fittedFor = useRef<string | undefined>(undefined);
  const hoverRef = useRef(-1);
  const rafRef = useRef(0);
  const listTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const statsRef = useRef<TimelineDrawStats>({ frames: 0, drawMs: [], marks: 0, events: 0 });
  const dragRef = useRef<{ x: number; view: TimeView; moved: boolean; pointerId: number } | undefined>(undefined);
  const [inView, setInView] = useState<{ events: PlacedEvent[]; total: number }>({ events: [], total: 0 });
  const [cssWidth, setCssWidth] = useState(0);

  // The latest props for the frame callback (stable across renders).
  const latest = useRef({ index, layout, placement, selectedIndex, items, onSelect });
  latest.current = { index, layout, placement, selectedIndex, items, onSelect };

  const draw = useCallback(() => {
    rafRef.current = 0;
    const canvas = canvasRef.current;
    const view = viewRef.current;
    if (!canvas || !view || view.width <= 0) return;
    const began = performance.now();
    const { index, layout, placement, selectedIndex } = latest.current;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const dpr = window.devicePixelRatio || 1;
    const w = view.width;
    const h = plotHeight(layout);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);

    // Lanes and axis band.
    for (let li = 0; li < layout.laneCount; li++) {
      ctx.fillStyle = li % 2 ? '#f8fafc' : '#ffffff';
      ctx.fillRect(0, laneTop(layout, li), w, layout.laneHeight);
    }
    ctx.fillStyle = '#f1f5f9';
    ctx.fillRect(0, 0, w, layout.axisHeight);
    ctx.strokeStyle = '#cbd5e1';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(0, layout.axisHeight - 0.5);
    ctx.lineTo(w, layout.axisHeight - 0.5);
    ctx.stroke();

    // Ticks: grid lines through the lanes, labels in the axis band.
    const ticks = axisTicks(view, 110);
    ctx.strokeStyle = '#e2e8f0';
    ctx.beginPath();
    for (const tick of ticks) {
      const x = Math.round(tick.x) + 0.5;
      ctx.moveTo(x, layout.axisHeight - 6);
      ctx.lineTo(x, h);
    }
    ctx.stroke();
    ctx.fillStyle = '#475569';
    ctx.font = '12px ui-sans-serif, system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    for (const tick of ticks) {
      const x = Math.round(tick.x) + 4;
      if (x + ctx.measureText(tick.label).width <= w - 2) ctx.fillText(tick.label, x, layout.axisHeight / 2 - 2);
    }

    // Events in view, one path per lane.
    const padT = ((HIT_RADIUS + 2) / w) * (view.end - view.start);
    let marks = 0;
    index.lanes.forEach((lane, li) => {
      if (lane.t0.length === 0) return;
      const cy = laneCenter(layout, li);
      const [from, to] = visibleRange(lane, view.start - padT, view.end + padT);
      ctx.fillStyle = categoryColor(lane.category);
      ctx.globalAlpha = 0.85;
      ctx.beginPath();
      let lastPx = Number.NEGATIVE_INFINITY;
      for (let k = from; k < to; k++) {
        const t1 = lane.t1[k]!;
        if (t1 < view.start - padT) continue;
        const x0 = timeToX(view, lane.t0[k]!);
        if (t1 > lane.t0[k]!) {
          const x1 = timeToX(view, t1);
          if (x1 - x0 >= 3) {
            const left = Math.max(x0, -10);
            const right = Math.min(x1, w + 10);
            ctx.rect(left, cy - 5, right - left, 10);
            marks++;
            continue;
          }
        }
        const px = Math.round(x0);
        if (px === lastPx) continue;
        lastPx = px;
        ctx.moveTo(x0 + POINT_RADIUS, cy);
        ctx.arc(x0, cy, POINT_RADIUS, 0, Math.PI * 2);
        marks++;
      }
      ctx.fill();
      ctx.globalAlpha = 1;
    });

    // Hovered and selected marks on top.
    const ring = (item: number, color: string, width: number) => {
      const li = placement.lane[item] ?? -1;
      const k = placement.pos[item] ?? -1;
      if (li < 0 || k < 0) return;
      const lane = index.lanes[li]!;
      const x0 = timeToX(view, lane.t0[k]!);
      const x1 = timeToX(view, lane.t1[k]!);
      const cy = laneCenter(layout, li);
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.beginPath();
      if (x1 - x0 >= 3) ctx.rect(x0 - 2, cy - 8, x1 - x0 + 4, 16);
      else ctx.arc(x0, cy, POINT_RADIUS + 3, 0, Math.PI * 2);
      ctx.stroke();
    };
    if (hoverRef.current >= 0) ring(hoverRef.current, '#334155', 1.5);
    if (selectedIndex >= 0) ring(selectedIndex, '#0f172a', 2.5);
    ctx.lineWidth = 1;

    const stats = statsRef.current;
    stats.frames++;
    stats.marks = marks;
    stats.events = index.dated;
    stats.drawMs.push(performance.now() - began);
    if (stats.drawMs.length > 2000) stats.drawMs.splice(0, stats.drawMs.length - 2000);
  }, []);

  const updateList = useCallback(() => {
    clearTimeout(listTimer.current);
    listTimer.current = setTimeout(() => {
      const view = viewRef.current;
      if (!view) return;
      const { index, layout } = latest.current;
      setInView(eventsInView(index, layout, view, LIST_LIMIT));
    }, 120);
  }, []);

  const schedule = useCallback(() => {
    if (!rafRef.current) rafRef.current = requestAnimationFrame(draw);
    updateList();
  }, [draw, updateList]);

  const setView = useCallback(
    (view: TimeView) => {
      const { index } = latest.current;
      viewRef.current = clampToExtent(view, index.min, index.max);
      schedule();
    },
    [schedule],
  );

  const fit = useCallback(() => {
    const width = viewRef.current?.width ?? wrapperRef.current?.clientWidth ?? 0;
    const { index } = latest.current;
    viewRef.current = fitView(index.min, index.max, width);
    schedule();
  }, [schedule]);

  const openView = useCallback(() => {
    const width = viewRef.current?.width ?? wrapperRef.current?.clientWidth ?? 0;
    viewRef.current = initialView(latest.current.index, width);
    schedule();
  }, [schedule]);

  // Size the canvas to its box (and the screen's pixel ratio); keep the time window when the width changes.
  useEffect(() => {
    const wrapper = wrapperRef.current;
    const canvas = canvasRef.current;
    if (!wrapper || !canvas) return;
    canvas.__timelineStats = statsRef.current;
    const resize = () => {
      const width = Math.max(1, Math.floor(wrapper.clientWidth));
      const height = plotHeight(latest.current.layout);
      const dpr = window.devicePixelRatio || 1;
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
      setCssWidth(width);
      if (viewRef.current) viewRef.current = { ...viewRef.current, width };
      else viewRef.current = initialView(latest.current.index, width);
      schedule();
    };
    resize();
    const observer = new ResizeObserver(resize);
    observer.observe(wrapper);
    return () => {
      observer.disconnect();
      cancelAnimationFrame(rafRef.current);
      rafRef.current = 0;
      clearTimeout(listTimer.current);
    };
  }, [schedule, layout.laneCount]);

  // New data: refit when asked to (new patient / date range), else keep the window and redraw.
  useEffect(() => {
    hoverRef.current = -1;
    if (fitKey !== undefined && fittedFor.current !== fitKey && index.dated > 0) {
      fittedFor.current = fitKey;
      openView();
    } else {
      schedule();
    }
  }, [index, fitKey, openView, schedule]);

  useEffect(() => schedule(), [selectedIndex, schedule]);

  // Wheel zoom needs a non-passive listener to keep the page from scrolling.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const onWheel = (e: WheelEvent) => {
      const view = viewRef.current;
      if (!view) return;
      e.preventDefault();
      const rect = canvas.getBoundingClientRect();
      const scale = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? rect.height : 1;
      const dx = e.deltaX * scale;
      const dy = e.deltaY * scale;
      if (e.shiftKey || Math.abs(dx) > Math.abs(dy)) setView(panBy(view, -(dx || dy)));
      else setView(zoomAt(view, e.clientX - rect.left, Math.exp(-dy * 0.0015)));
      hideTooltip();
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => canvas.removeEventListener('wheel', onWheel);
  }, [setView]);

  function hideTooltip() {
    if (tooltipRef.current) tooltipRef.current.hidden = true;
  }

  function showTooltip(item: number, x: number, y: number) {
    const tip = tooltipRef.current;
    const event = latest.current.items[item];
    if (!tip || !event) return;
    const [title, date, category] = Array.from(tip.children) as HTMLElement[];
    if (title) title.textContent = event.title;
    if (date) date.textContent = formatDateRange(event.start, event.end) || 'undated';
    if (category) {
      category.textContent = categoryLabel(event.category);
      category.style.color = categoryColor(event.category);
    }
    tip.hidden = false;
    const width = viewRef.current?.width ?? 0;
    const left = Math.min(Math.max(0, x + 12), Math.max(0, width - 280));
    tip.style.transform = `translate(${left}px, ${y + 14}px)`;
  }

  function pointerPosition(e: { clientX: number; clientY: number }) {
    const rect = canvasRef.current!.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  }

  function hitAt(x: number, y: number) {
    const view = viewRef.current;
    if (!view) return undefined;
    return hitTest(latest.current.index, latest.current.layout, view, x, y, HIT_RADIUS);
  }

  const onPointerDown = (e: React.PointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0 || !viewRef.current) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    dragRef.current = { x: e.clientX, view: viewRef.current, moved: false, pointerId: e.pointerId };
  };

  const onPointerMove = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const drag = dragRef.current;
    const { x, y } = pointerPosition(e);
    if (drag) {
      const dx = e.clientX - drag.x;
      if (!drag.moved && Math.abs(dx) > 3) drag.moved = true;
      if (drag.moved) {
        e.currentTarget.style.cursor = 'grabbing';
        hideTooltip();
        setView(panBy(drag.view, dx));
      }
      return;
    }
    const hit = hitAt(x, y);
    const item = hit?.item ?? -1;
    if (item !== hoverRef.current) {
      hoverRef.current = item;
      schedule();
    }
    e.currentTarget.style.cursor = item >= 0 ? 'pointer' : 'grab';
    if (item >= 0) showTooltip(item, x, y);
    else hideTooltip();
  };

  const onPointerUp = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const drag = dragRef.current;
    dragRef.current = undefined;
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
    e.currentTarget.style.cursor = 'grab';
    if (!drag || drag.moved) return;
    const { x, y } = pointerPosition(e);
    const hit = hitAt(x, y);
    const event = hit ? latest.current.items[hit.item] : undefined;
    if (event) latest.current.onSelect(event);
  };

  const onPointerLeave = () => {
    if (dragRef.current) return;
    if (hoverRef.current >= 0) {
      hoverRef.current = -1;
      schedule();
    }
    hideTooltip();
  };

  const zoomCenter = (factor: number) => {
    const view = viewRef.current;
    if (view) setView(zoomAt(view, view.width / 2, factor));
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLCanvasElement>) => {
    const view = viewRef.current;
    if (!view) return;
    const handled = (() => {
      switch (e.key) {
        case 'ArrowLeft':
          setView(panBy(view, view.width * 0.15));
          return true;
        case 'ArrowRight':
          setView(panBy(view, -view.width * 0.15));
          return true;
        case '+':
        case '=':
          zoomCenter(1.5);
          return true;
        case '-':
        case '_':
          zoomCenter(1 / 1.5);
          return true;
        case '0':
        case 'Home':
          fit();
          return true;
        default:
          return false;
      }
    })();
    if (handled) e.preventDefault();
  };

  const height = plotHeight(layout);
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        <div className="flex gap-1" role="group" aria-label="Zoom">
          <button type="button" className="btn" onClick={() => zoomCenter(1.6)} aria-label="Zoom in" data-testid="zoom-in">
            <svg aria-hidden viewBox="0 0 16 16" className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
              <path d="M8 3v10M3 8h10" />
            </svg>
          </button>
          <button type="button" className="btn" onClick={() => zoomCenter(1 / 1.6)} aria-label="Zoom out" data-testid="zoom-out">
            <svg aria-hidden viewBox="0 0 16 16" className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
              <path d="M3 8h10" />
            </svg>
          </button>
          <button type="button" className="btn" onClick={fit} data-testid="zoom-fit">
            Fit all
          </button>
        </div>
        <p className="text-xs text-slate-500">Scroll to zoom, drag to pan, click an event for details. Keyboard: focus the chart, then ← → + − 0.</p>
      </div>
      <div className="flex overflow-hidden rounded-md border border-slate-200">
        <ul className="w-32 shrink-0 border-r border-slate-200 bg-white text-xs" aria-label="Lanes">
          <li style={{ height: LAYOUT_AXIS }} className="border-b border-slate-300 bg-slate-100" aria-hidden />
          {index.lanes.map((lane, li) => (
            <li
              key={lane.category}
              style={{ height: LAYOUT_LANE }}
              className={`flex items-center justify-between gap-1 px-2 ${li % 2 ? 'bg-slate-50' : 'bg-white'}`}
            >
              <span className="flex items-center gap-1.5 font-medium text-slate-700">
                <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-full" style={{ background: categoryColor(lane.category) }} />
                {categoryLabel(lane.category)}
              </span>
              <span className="text-slate-400 tabular-nums">{lane.t0.length}</span>
            </li>
          ))}
        </ul>
        <div ref={wrapperRef} className="relative min-w-0 flex-1" style={{ height }}>
          <canvas
            ref={canvasRef}
            tabIndex={0}
            role="img"
            aria-label={`Timeline chart of ${index.dated} dated events in ${lanes.length} lanes; the events in view are listed below.`}
            data-testid="timeline-canvas"
            data-event-count={index.dated}
            className="block touch-none select-none"
            style={{ cursor: 'grab', width: cssWidth || undefined, height }}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={() => (dragRef.current = undefined)}
            onPointerLeave={onPointerLeave}
            onDoubleClick={(e) => {
              const view = viewRef.current;
              if (view) setView(zoomAt(view, pointerPosition(e).x, 2));
            }}
            onKeyDown={onKeyDown}
          />
          <div
            ref={tooltipRef}
            hidden
            role="tooltip"
            data-testid="timeline-tooltip"
            className="pointer-events-none absolute top-0 left-0 z-10 max-w-[270px] rounded-md border border-slate-200 bg-white/95 px-3 py-2 text-xs shadow-lg"
          >
            <div className="font-semibold text-slate-900" />
            <div className="text-slate-600" />
            <div className="font-medium" />
          </div>
        </div>
      </div>
      <details className="rounded-md border border-slate-200 bg-white text-sm" data-testid="visible-events">
        <summary className="cursor-pointer px-3 py-2 text-slate-700">
          Events in view: {inView.total}
          {inView.total > inView.events.length ? ` (first ${inView.events.length} listed)` : ''}
        </summary>
        <ul className="max-h-72 overflow-auto border-t border-slate-100 px-3 py-2">
          {inView.events.map((placed) => {
            const event = items[placed.item];
            if (!event) return null;
            return (
              <li key={event.id}>
                <button
                  type="button"
                  className={`w-full rounded px-2 py-1 text-left hover:bg-sky-50 ${event.id === selectedId ? 'bg-sky-100' : ''}`}
                  data-testid="visible-event"
                  data-event-id={event.id}
                  data-x={placed.x.toFixed(1)}
                  data-y={placed.y.toFixed(1)}
                  onClick={() => onSelect(event)}
                >
                  <span className="mr-2 inline-block w-24 text-xs text-slate-500">{formatDateRange(event.start, undefined)}</span>
                  <span className="mr-2 text-xs font-medium" style={{ color: categoryColor(event.category) }}>
                    {categoryLabel(event.category)}
                  </span>
                  {event.title}
                </button>
              </li>
            );
          })}
        </ul>
      </details>
    </div>
  );
}
