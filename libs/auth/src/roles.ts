/**
 * Roles and what each may do. One table, read by the API router (every procedure declares one permission) and
 * by the docs: a permission not in a role's row is refused. Patient-level access (care team, board seat) is
 * checked on top of the permission for every procedure that touches one patient's data.
 */
export const ROLES = ['oncologist', 'care-coordinator', 'developer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  /** List, overview and timeline of the caller's patients (the list is filtered, never refused). */
  'patient:read-timeline',
  /** The rest of a patient's record: reports, genomics, imaging, source records, case summaries. */
  'patient:read-record',
  /** Compose and verify case summaries for a board. */
  'summary:prepare',
  /** Record a board's decision (a CarePlan on the patient's record). */
  'decision:record',
  /** See the boards one holds a seat on. */
  'board:read',
  /** Create boards and put cases on them. */
  'board:manage',
  /** Import data (uploads) and read the import runs. */
  'import:write',
  /** Modality modules, models, system information (no patient data). */
  'system:read',
  /** Accounts and roles. */
  'user:manage',
  /** Care-team and board-seat grants. */
  'access:manage',
  /** Search and export the audit trail. */
  'audit:read',
  /** Run the active joint model for a patient and store its prediction. */
  'prediction:run',
  /** Export patients' records de-identified (HIPAA Safe Harbor, DICOM PS3.15); each patient still needs access. */
  'deid:export',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Which role may do what (issue 8). Developers and admins get no patient data unless they also hold a clinical role. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  // Oncologists read model cards and metrics (system:read) because the patient page shows the model's risk.
  oncologist: ['patient:read-timeline', 'patient:read-record', 'summary:prepare', 'decision:record', 'board:read', 'system:read', 'prediction:run', 'deid:export'],
  'care-coordinator': ['patient:read-timeline', 'board:read', 'board:manage', 'import:write'],
  developer: ['system:read'],
  admin: ['system:read', 'user:manage', 'access:manage', 'audit:read'],
};

/** Roles whose holders may be given patients (care team, board seats). */
export const CLINICAL_ROLES: readonly Role[] = ['oncologist', 'care-coordinator'];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function hasPermission(roles: readonly string[], permission: Permission): boolean {
  return roles.some((r) => isRole(r) && ROLE_PERMISSIONS[r].includes(permission));
}

export function isClinical(roles: readonly string[]): boolean {
  return roles.some((r) => (CLINICAL_ROLES as readonly string[]).includes(r));
}

/** Parses "oncologist,care-coordinator" (CLI) or a stored JSON array; names the bad role. */
export function parseRoles(input: string | readonly string[], where = 'roles'): Role[] {
  const list = typeof input === 'string' ? input.split(',').map((s) => s.trim()).filter(Boolean) : [...input];
  if (list.length === 0) throw new Error(`${where}: expected at least one role of ${ROLES.join(', ')}`);
  for (const r of list) if (!isRole(r)) throw new Error(`${where}: "${r}" is not a role; expected ${ROLES.join(', ')}`);
  return [...new Set(list as Role[])];
}
