'use client';
import { useEffect, useMemo, useRef, useState } from 'react';
import { buildJsonTree, isWithinPath, jsonLines, resolveElementPath, type JsonLine, type ResolvedPath } from '../lib/json-paths';

/** Documents longer than this show the lines around the cited element first (the rest on request). */
const WINDOW_LINES = 4000;
const CONTEXT_LINES = 300;

const TOKEN_CLASS: Record<JsonLine['kind'], string> = {
  string: 'text-emerald-800',
  number: 'text-indigo-700',
  boolean: 'text-fuchsia-700',
  null: 'text-slate-500',
  punct: 'text-slate-500',
};

export interface JsonViewProps {
  content: string;
  /** The element to highlight, e.g. "Observation.component[2].valueCodeableConcept". */
  elementPath?: string;
  onResolved?: (resolved: ResolvedPath | undefined) => void;
}

export function JsonView({ content, elementPath, onResolved }: JsonViewProps) {
  const parsed = useMemo(() => {
    try {
      return { ok: true as const, tree: buildJsonTree(JSON.parse(content)) };
    } catch (error) {
      return { ok: false as const, error: (error as Error).message };
    }
  }, [content]);
  const lines = useMemo(() => (parsed.ok ? jsonLines(parsed.tree) : []), [parsed]);
  const resolved = useMemo(() => (parsed.ok && elementPath ? resolveElementPath(parsed.tree, elementPath) : undefined), [parsed, elementPath]);
  const target = resolved?.path;
  const [first, last] = useMemo(() => {
    if (!target) return [-1, -1];
    let a = -1;
    let b = -1;
    lines.forEach((line, i) => {
      if (isWithinPath(line.path, target)) {
        if (a < 0) a = i;
        b = i;
      }
    });
    return [a, b];
  }, [lines, target]);
  const [showAll, setShowAll] = useState(false);
  const windowed = !showAll && lines.length > WINDOW_LINES;
  const from = windowed ? Math.max(0, (first >= 0 ? first : 0) - CONTEXT_LINES) : 0;
  const to = windowed ? Math.min(lines.length, (last >= 0 ? last : 0) + CONTEXT_LINES + 1) : lines.length;

  useEffect(() => onResolved?.(resolved), [resolved, onResolved]);
  const firstHighlighted = useRef<HTMLSpanElement | null>(null);
  useEffect(() => {
    firstHighlighted.current?.scrollIntoView({ block: 'center', behavior: 'instant' as ScrollBehavior });
  }, [target, first]);

  if (!parsed.ok) {
    return (
      <div>
        <p className="mb-2 text-sm text-amber-800">This record is not JSON ({parsed.error}); shown as stored.</p>
        <pre className="max-h-[70vh] overflow-auto rounded-md bg-slate-50 p-4 font-mono text-xs whitespace-pre-wrap">{content}</pre>
      </div>
    );
  }
  const digits = String(lines.length).length;
  return (
    <div>
      {windowed && from > 0 ? (
        <button type="button" className="btn mb-2" onClick={() => setShowAll(true)}>
          Show all {lines.length} lines (lines 1–{from} hidden)
        </button>
      ) : null}
      <pre
        className="max-h-[75vh] overflow-auto rounded-md border border-slate-200 bg-white py-2 font-mono text-[12.5px] leading-5"
        data-testid="json-view"
        aria-label="Source record JSON"
      >
        <code>
          {lines.slice(from, to).map((line, k) => {
            const i = from + k;
            const highlighted = target !== undefined && i >= first && i <= last;
            return (
              <span
                key={i}
                ref={i === first ? firstHighlighted : undefined}
                id={i === first ? 'cited-element' : undefined}
                data-path={line.path}
                data-highlighted={highlighted ? 'true' : undefined}
                title={line.path}
                className={`block pr-4 ${highlighted ? 'border-l-4 border-amber-500 bg-amber-100/80' : 'border-l-4 border-transparent'}`}
              >
                <span aria-hidden className="inline-block pr-3 pl-2 text-right text-slate-300 select-none" style={{ width: `${digits + 2}ch` }}>
                  {i + 1}
                </span>
                {'  '.repeat(line.depth)}
                {line.key !== undefined ? (
                  <>
                    <span className="text-sky-900">{JSON.stringify(line.key)}</span>
                    <span className="text-slate-500">: </span>
                  </>
                ) : null}
                <span className={TOKEN_CLASS[line.kind]}>{line.text}</span>
                {line.comma ? <span className="text-slate-500">,</span> : null}
              </span>
            );
          })}
        </code>
      </pre>
      {windowed && to < lines.length ? (
        <button type="button" className="btn mt-2" onClick={() => setShowAll(true)}>
          Show all {lines.length} lines ({lines.length - to} more)
        </button>
      ) : null}
    </div>
  );
}
