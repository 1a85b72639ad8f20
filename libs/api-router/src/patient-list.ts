/**
 * The patient list, filtered to the caller's patients (care team, board seats) in the query itself, so paging
 * and the total count only ever see accessible patients. Same filters, order and cursor shape as the store's
 * searchPatients.
 */
import { accessiblePatientsWhere, type AuthUser } from '@oncoboard/auth';
import { queryWords, stageQueryPattern, type PatientListItem, type PatientSearch, type Prisma, type Store } from '@oncoboard/store';
import { TRPCError } from '@trpc/server';

function decodeCursor(cursor: string): { s: string; k: string } {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: unknown; k?: unknown };
    if (typeof v.s === 'string' && typeof v.k === 'string') return { s: v.s, k: v.k };
  } catch {
    // fall through
  }
  throw new TRPCError({ code: 'BAD_REQUEST', message: 'cursor: expected the nextCursor of a previous page' });
}

export async function searchAccessiblePatients(store: Store, user: AuthUser, q: PatientSearch): Promise<{ items: PatientListItem[]; nextCursor?: string; total: number }> {
  const limit = q.limit ?? 50;
  const filters: Prisma.PatientWhereInput[] = [accessiblePatientsWhere(user)];
  for (const word of queryWords(q.text)) filters.push({ searchText: { contains: word } });
  for (const word of queryWords(q.cancerType)) filters.push({ primaryCancerSearch: { contains: word } });
  if (q.stage?.trim()) filters.push({ stageSearch: { contains: stageQueryPattern(q.stage) } });
  const after = q.cursor ? decodeCursor(q.cursor) : undefined;
  const page = after ? [...filters, { OR: [{ sortName: { gt: after.s } }, { sortName: after.s, key: { gt: after.k } }] }] : filters;
  const [total, rows] = await Promise.all([
    store.prisma.patient.count({ where: { AND: filters } }),
    store.prisma.patient.findMany({ where: { AND: page }, orderBy: [{ sortName: 'asc' }, { key: 'asc' }], take: limit + 1 }),
  ]);
  const items = rows.slice(0, limit).map((row): PatientListItem => {
    let identifiers: PatientListItem['identifiers'] = [];
    try {
      identifiers = JSON.parse(row.identifiers) as PatientListItem['identifiers'];
    } catch {
      identifiers = [];
    }
    // factCount / eventCount are kept by the store in the transaction that changes them.
    const item: PatientListItem = { key: row.key, identifiers, factCount: row.factCount, eventCount: row.eventCount };
    if (row.displayName !== null) item.displayName = row.displayName;
    if (row.birthDate !== null) item.birthDate = row.birthDate;
    if (row.gender !== null) item.gender = row.gender;
    if (row.primaryCancer !== null) item.primaryCancer = row.primaryCancer;
    if (row.stage !== null) item.stage = row.stage;
    return item;
  });
  const last = rows.length > limit ? items.at(-1) : undefined;
  const lastRow = last ? rows[limit - 1]! : undefined;
  return { items, total, ...(lastRow ? { nextCursor: Buffer.from(JSON.stringify({ s: lastRow.sortName, k: lastRow.key })).toString('base64url') } : {}) };
}
