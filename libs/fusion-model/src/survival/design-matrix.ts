// A small model-matrix builder: numeric columns as they are, factor columns as treatment contrasts (R's default:
// one 0/1 column per non-reference level, named column + level, the first level the reference), rows with a
// missing value in any used column dropped as R's na.omit, and the count reported.

export type ColumnValue = number | string | boolean | null | undefined;
export type DataColumns = Readonly<Record<string, ReadonlyArray<ColumnValue>>>;

/** A covariate: a numeric column by name, or a factor with its levels (the first is the reference). */
export type TermSpec = string | { readonly column: string; readonly levels: ReadonlyArray<string> };

export interface DesignMatrix {
  /** Column names as R's model.matrix would print them (e.g. "rxLev+5FU"). */
  readonly names: ReadonlyArray<string>;
  readonly nrow: number;
  readonly ncol: number;
  /** Row-major nrow x ncol. */
  readonly values: Float64Array;
  /** For each row of the matrix, its row in the input columns. */
  readonly rows: Int32Array;
  /** Input rows left out because a used column was missing (null, undefined, NaN or ""). */
  readonly droppedRows: ReadonlyArray<number>;
}

export interface SurvivalDesign extends DesignMatrix {
  readonly time: Float64Array;
  /** 1 = event. */
  readonly status: Uint8Array;
}

function isMissing(v: ColumnValue): boolean {
  return v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));
}

function columnOf(columns: DataColumns, name: string, where: string): ReadonlyArray<ColumnValue> {
  const col = columns[name];
  if (!col) throw new Error(`${where}: column "${name}" not found; columns are ${Object.keys(columns).join(', ')}`);
  return col;
}

function rowCount(columns: DataColumns, used: string[], where: string): number {
  let n = -1;
  for (const name of used) {
    const len = columnOf(columns, name, where).length;
    if (n >= 0 && len !== n) throw new Error(`${where}: column "${name}" has ${len} rows, expected ${n} like "${used[0]}"`);
    n = len;
  }
  return Math.max(n, 0);
}

/** The design matrix of `terms` over the rows of `columns` (optionally only `rows`), complete cases only. */
export function buildDesignMatrix(columns: DataColumns, terms: ReadonlyArray<TermSpec>, extraRequired: ReadonlyArray<string> = []): DesignMatrix {
  const where = 'buildDesignMatrix';
  const termColumns = terms.map((t) => (typeof t === 'string' ? t : t.column));
  const used = [...termColumns, ...extraRequired];
  const n = rowCount(columns, used, where);
  const names: string[] = [];
  for (const t of terms) {
    if (typeof t === 'string') names.push(t);
    else {
      if (t.levels.length < 1) throw new Error(`${where}: factor "${t.column}": expected at least one level`);
      for (const level of t.levels.slice(1)) names.push(`${t.column}${level}`);
    }
  }
  const keep: number[] = [];
  const dropped: number[] = [];
  for (let i = 0; i < n; i++) {
    if (used.some((c) => isMissing(columns[c]![i]))) dropped.push(i);
    else keep.push(i);
  }
  const p = names.length;
  const values = new Float64Array(keep.length * p);
  keep.forEach((row, r) => {
    let c = 0;
    for (const t of terms) {
      if (typeof t === 'string') {
        const v = columns[t]![row];
        const num = typeof v === 'boolean' ? Number(v) : typeof v === 'number' ? v : Number.NaN;
        if (!Number.isFinite(num)) throw new Error(`${where}: ${t}[${row}]: expected a number, found ${JSON.stringify(v)}`);
        values[r * p + c++] = num;
      } else {
        const v = String(columns[t.column]![row]);
        const level = t.levels.indexOf(v);
        if (level < 0) throw new Error(`${where}: ${t.column}[${row}]: expected one of ${t.levels.map((l) => JSON.stringify(l)).join(', ')}, found ${JSON.stringify(v)}`);
        for (let l = 1; l < t.levels.length; l++) values[r * p + c++] = level === l ? 1 : 0;
      }
    }
  });
  return { names, nrow: keep.length, ncol: p, values, rows: Int32Array.from(keep), droppedRows: dropped };
}

/**
 * Response plus design matrix. Status is read as R's Surv(time, status) does: 0/1 (or false/true), or 1/2 with
 * 2 = event when every value is 1 or 2 (R survival's lung coding).
 */
export function buildSurvivalDesign(columns: DataColumns, response: { readonly time: string; readonly status: string }, terms: ReadonlyArray<TermSpec>): SurvivalDesign {
  const design = buildDesignMatrix(columns, terms, [response.time, response.status]);
  const timeCol = columns[response.time]!;
  const statusCol = columns[response.status]!;
  const rawStatus = Array.from(design.rows, (r) => statusCol[r]);
  const oneTwo = rawStatus.length > 0 && rawStatus.every((v) => v === 1 || v === 2) && rawStatus.some((v) => v === 2);
  const time = new Float64Array(design.nrow);
  const status = new Uint8Array(design.nrow);
  design.rows.forEach((row, r) => {
    const t = timeCol[row];
    if (typeof t !== 'number' || !Number.isFinite(t)) throw new Error(`buildSurvivalDesign: ${response.time}[${row}]: expected a finite number, found ${JSON.stringify(t)}`);
    time[r] = t;
    const s = statusCol[row];
    const event = oneTwo ? s === 2 : s === 1 || s === true;
    if (!oneTwo && !(s === 0 || s === 1 || s === true || s === false)) {
      throw new Error(`buildSurvivalDesign: ${response.status}[${row}]: expected 0/1 (or 1/2 with 2 = event), found ${JSON.stringify(s)}`);
    }
    status[r] = event ? 1 : 0;
  });
  return { ...design, time, status };
}
