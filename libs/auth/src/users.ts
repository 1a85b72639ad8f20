/** Accounts, roles and access grants (care-team rows, board seats). Used by the CLI and by admin procedures. */
import { randomUUID } from 'node:crypto';
import { toAuthUser, type AuthDb, type AuthUser } from './db';
import { hashPassword, passwordProblem } from './password';
import { isClinical, parseRoles, type Role } from './roles';

export class AuthError extends Error {
  constructor(
    message: string,
    readonly code: 'invalid' | 'not-found' | 'conflict',
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

const USERNAME = /^[a-z0-9][a-z0-9._@-]{1,63}$/;

export function normalizeUsername(username: string): string {
  const u = username.trim().toLowerCase();
  if (!USERNAME.test(u)) throw new AuthError(`username "${username.slice(0, 70)}": expected 2-64 characters a-z, 0-9, ".", "_", "@", "-", starting with a letter or digit`, 'invalid');
  return u;
}

export interface NewUser {
  username: string;
  displayName?: string;
  roles: readonly string[];
  password: string;
}

export async function createUser(db: AuthDb, input: NewUser): Promise<AuthUser> {
  const username = normalizeUsername(input.username);
  const roles = parseRoles(input.roles, '--role');
  const problem = passwordProblem(input.password, username);
  if (problem) throw new AuthError(problem, 'invalid');
  if (await db.user.findUnique({ where: { username } })) throw new AuthError(`user ${username} already exists`, 'conflict');
  const row = await db.user.create({
    data: { id: `user-${randomUUID()}`, username, displayName: input.displayName?.trim() || username, passwordHash: await hashPassword(input.password), rolesJson: JSON.stringify(roles) },
  });
  return toAuthUser(row);
}

export async function findUser(db: AuthDb, username: string): Promise<AuthUser | null> {
  const row = await db.user.findUnique({ where: { username: normalizeUsername(username) } });
  return row ? toAuthUser(row) : null;
}

async function requireUser(db: AuthDb, username: string): Promise<AuthUser> {
  const user = await findUser(db, username);
  if (!user) throw new AuthError(`no user ${normalizeUsername(username)}`, 'not-found');
  return user;
}

export async function countUsersWithRole(db: AuthDb, role: Role): Promise<number> {
  // rolesJson is a JSON array of known words: a quoted substring match is exact.
  return db.user.count({ where: { rolesJson: { contains: `"${role}"` }, disabled: false } });
}

export async function setPassword(db: AuthDb, username: string, password: string): Promise<void> {
  const user = await requireUser(db, username);
  const problem = passwordProblem(password, user.username);
  if (problem) throw new AuthError(problem, 'invalid');
  await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password), failedSignIns: 0, lockedUntil: null } });
  // A new password ends the sessions opened with the old one.
  await db.session.deleteMany({ where: { userId: user.id } });
}

export async function setRoles(db: AuthDb, username: string, roles: readonly string[]): Promise<AuthUser> {
  const user = await requireUser(db, username);
  const row = await db.user.update({ where: { id: user.id }, data: { rolesJson: JSON.stringify(parseRoles(roles, '--role')) } });
  return toAuthUser(row);
}

export async function setDisabled(db: AuthDb, username: string, disabled: boolean): Promise<void> {
  const user = await requireUser(db, username);
  await db.user.update({ where: { id: user.id }, data: { disabled } });
  if (disabled) await db.session.deleteMany({ where: { userId: user.id } });
}

/**
 * Puts the user on the care team of these patients (or, with 'all', of every patient in the store now; patients
 * imported later need a new grant). Only clinical users can be given patients. Returns the rows added.
 */
export async function grantPatientAccess(db: AuthDb, username: string, patients: readonly string[] | 'all', grantedBy: string): Promise<number> {
  const user = await requireUser(db, username);
  if (!isClinical(user.roles)) throw new AuthError(`${user.username} holds no clinical role (oncologist, care-coordinator): patient access is not granted`, 'invalid');
  const keys = patients === 'all' ? (await db.patient.findMany({ select: { key: true } })).map((p) => p.key) : [...new Set(patients)];
  if (patients !== 'all') {
    const found = new Set((await db.patient.findMany({ where: { key: { in: keys } }, select: { key: true } })).map((p) => p.key));
    const missing = keys.filter((k) => !found.has(k));
    if (missing.length) throw new AuthError(`no such patient in the store: ${missing.slice(0, 5).join(', ')}`, 'not-found');
  }
  const existing = new Set((await db.careTeamMember.findMany({ where: { userId: user.id, patientKey: { in: keys } }, select: { patientKey: true } })).map((r) => r.patientKey));
  const fresh = keys.filter((k) => !existing.has(k));
  if (fresh.length) await db.careTeamMember.createMany({ data: fresh.map((patientKey) => ({ userId: user.id, patientKey, addedBy: grantedBy })) });
  return fresh.length;
}

export async function revokePatientAccess(db: AuthDb, username: string, patients: readonly string[] | 'all'): Promise<number> {
  const user = await requireUser(db, username);
  const where = patients === 'all' ? { userId: user.id } : { userId: user.id, patientKey: { in: [...patients] } };
  return (await db.careTeamMember.deleteMany({ where })).count;
}

export async function addBoardMember(db: AuthDb, username: string, boardId: string): Promise<boolean> {
  const user = await requireUser(db, username);
  if (!(await db.tumorBoard.findUnique({ where: { id: boardId }, select: { id: true } }))) throw new AuthError(`no tumor board ${boardId}`, 'not-found');
  if (await db.boardMember.findUnique({ where: { boardId_userId: { boardId, userId: user.id } } })) return false;
  await db.boardMember.create({ data: { boardId, userId: user.id } });
  return true;
}

export async function removeBoardMember(db: AuthDb, username: string, boardId: string): Promise<boolean> {
  const user = await requireUser(db, username);
  return (await db.boardMember.deleteMany({ where: { boardId, userId: user.id } })).count > 0;
}
