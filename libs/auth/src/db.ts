import type { StoreClient } from '@oncoboard/store';

/**
 * The tables this lib reads and writes, on the store's Prisma client or on a transaction of it: the same
 * functions serve both, so an audit record can be written inside the transaction of the change it records.
 */
export type AuthDb = Pick<StoreClient, 'user' | 'session' | 'careTeamMember' | 'boardMember' | 'auditEvent' | 'patient' | 'boardCase' | 'tumorBoard'>;

/** The signed-in user as the API sees it. */
export interface AuthUser {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
}

export function rolesOf(rolesJson: string): string[] {
  try {
    const parsed: unknown = JSON.parse(rolesJson);
    return Array.isArray(parsed) ? parsed.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return [];
  }
}

export function toAuthUser(row: { id: string; username: string; displayName: string; rolesJson: string }): AuthUser {
  return { id: row.id, username: row.username, displayName: row.displayName, roles: rolesOf(row.rolesJson) };
}
