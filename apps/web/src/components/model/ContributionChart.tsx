// Each modality's contribution to one prediction: the leave-one-modality-out change in risk (bars around zero) and
// the gated-attention weight the fusion gave it.
export interface ContributionRow {
  moduleId: string;
  contribution: number | null;
  attention: number;
  note?: string;
}

export function ContributionChart({ rows }: { rows: ContributionRow[] }) {
  const max = Math.max(1e-9, ...rows.map((r) => Math.abs(r.contribution ?? 0)));
  return (
    <div className="space-y-2" data-testid="contribution-chart">
      {rows.map((r) => {
        // contribution = risk without the modality − risk: negative means the modality raised the risk.
        const raised = r.contribution !== null && r.contribution < 0;
        const width = r.contribution === null ? 0 : (50 * Math.abs(r.contribution)) / max;
        return (
          <div key={r.moduleId} className="grid grid-cols-[8rem_1fr_9rem] items-center gap-3 text-sm" data-testid="contribution-row" data-module={r.moduleId}>
            <span className="font-medium text-slate-800">{r.moduleId}</span>
            <svg viewBox="0 0 100 10" preserveAspectRatio="none" className="h-3 w-full" aria-hidden>
              <rect x="0" y="0" width="100" height="10" fill="#f1f5f9" />
              <line x1="50" x2="50" y1="0" y2="10" stroke="#94a3b8" strokeWidth="0.5" />
              {r.contribution !== null ? <rect x={raised ? 50 : 50 - width} y="1" width={width} height="8" fill={raised ? '#dc2626' : '#2563eb'} /> : null}
            </svg>
            <span className="text-xs text-slate-600">
              {r.contribution === null ? 'only modality' : `${raised ? 'raised' : 'lowered'} risk by ${Math.abs(r.contribution).toFixed(3)}`} · attention {(r.attention * 100).toFixed(0)}%
            </span>
          </div>
        );
      })}
      <p className="text-xs text-slate-500">
        Leave-one-modality-out: the change in the model&apos;s log-hazard when the modality is masked out (not additive; it explains the model, not the disease).
        {rows.some((r) => r.contribution === null) ? ' A patient with a single modality has no contribution to compare: the model cannot predict without it.' : ''}
      </p>
    </div>
  );
}
