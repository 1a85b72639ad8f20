/** Shown wherever a SYNTHETIC model's output or numbers appear. */
export function SyntheticBadge() {
  return (
    <span className="rounded bg-amber-100 px-2 py-0.5 text-xs font-bold tracking-wide text-amber-900 uppercase ring-1 ring-amber-300" data-testid="synthetic-badge" title="Trained on synthetic data: not for clinical use">
      Synthetic
    </span>
  );
}

export function SyntheticBanner({ what }: { what: string }) {
  return (
    <p role="note" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm font-medium text-amber-900" data-testid="synthetic-banner">
      SYNTHETIC — {what} was trained on synthetic data. It shows that the pipeline works, nothing about patients; not for clinical use.
    </p>
  );
}
