/**
 * Patient-level access: a clinician sees a patient when on the patient's care team (CareTeamMember) or holding
 * a seat (BoardMember) on a board that has the patient as a case. Nobody else sees any patient: developers and
 * admins only through a clinical role they also hold.
 */
import type { AccessReads, Prisma } from '@oncoboard/store';
import type { AuthDb, AuthUser } from './db';
import { isClinical } from './roles';

/** The Prisma filter on Patient: the patients this user may see (none for non-clinical users). */
export function accessiblePatientsWhere(user: AuthUser): Prisma.PatientWhereInput {
  if (!isClinical(user.roles)) return { key: { in: [] } };
  return {
    OR: [{ careTeam: { some: { userId: user.id } } }, { boardCases: { some: { board: { members: { some: { userId: user.id } } } } } }],
  };
}

/**
 * `reads`: the store's one-query check (store.accessReads; a prepared statement on SQLite); without it, two
 * Prisma queries (care team first, then board seats).
 */
export async function canSeePatient(
  db: Pick<AuthDb, 'careTeamMember' | 'boardCase'>,
  user: AuthUser,
  patientKey: string,
  reads?: Pick<AccessReads, 'patientAccess'>,
): Promise<boolean> {
  if (!isClinical(user.roles)) return false;
  if (reads) return reads.patientAccess(user.id, patientKey);
  if (await db.careTeamMember.findUnique({ where: { userId_patientKey: { userId: user.id, patientKey } }, select: { userId: true } })) return true;
  const seat = await db.boardCase.findFirst({ where: { patientKey, board: { members: { some: { userId: user.id } } } }, select: { id: true } });
  return seat !== null;
}

/** Of these keys, the ones the user may see (one query each way, not one per key). */
export async function visiblePatientKeys(db: Pick<AuthDb, 'careTeamMember' | 'boardCase'>, user: AuthUser, patientKeys: readonly string[]): Promise<Set<string>> {
  if (!isClinical(user.roles) || patientKeys.length === 0) return new Set();
  const keys = [...new Set(patientKeys)];
  const [team, seats] = await Promise.all([
    db.careTeamMember.findMany({ where: { userId: user.id, patientKey: { in: keys } }, select: { patientKey: true } }),
    db.boardCase.findMany({ where: { patientKey: { in: keys }, board: { members: { some: { userId: user.id } } } }, select: { patientKey: true } }),
  ]);
  return new Set([...team, ...seats].map((r) => r.patientKey));
}

export async function holdsBoardSeat(db: Pick<AuthDb, 'boardMember'>, user: AuthUser, boardId: string): Promise<boolean> {
  return (await db.boardMember.findUnique({ where: { boardId_userId: { boardId, userId: user.id } }, select: { userId: true } })) !== null;
}
