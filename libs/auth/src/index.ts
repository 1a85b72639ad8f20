/**
 * Access control for OncoBoard (issue 8): local accounts with argon2id passwords, sessions (only token hashes
 * stored), sign-in with rate limits and lockout, roles and their permissions, patient-level access (care team,
 * board seats), and the FHIR-AuditEvent-shaped audit trail.
 */
export { CLINICAL_ROLES, hasPermission, isClinical, isRole, parseRoles, PERMISSIONS, ROLE_PERMISSIONS, ROLES, type Permission, type Role } from './roles';
export { ARGON2_OPTIONS, dummyPasswordHash, hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, passwordProblem, verifyPassword } from './password';
export {
  createSession, csrfTokenMatches, deleteSession, LAST_SEEN_RESOLUTION_MS, newToken, pruneExpiredSessions, resolveSession, sessionPolicyFromEnv, sha256Hex,
  type ActiveSession, type IssuedSession, type SessionPolicy,
} from './sessions';
export { DEFAULT_SIGN_IN_LIMITS, FailureWindow, signIn, SignInLimiter, type SignInLimits, type SignInRequest, type SignInResult } from './sign-in';
export {
  addBoardMember, AuthError, countUsersWithRole, createUser, findUser, grantPatientAccess, normalizeUsername, removeBoardMember, revokePatientAccess, setDisabled,
  setPassword, setRoles, type NewUser,
} from './users';
export { accessiblePatientsWhere, canSeePatient, holdsBoardSeat, visiblePatientKeys } from './patient-access';
export {
  appendAuditEvent, exportAuditBundle, recordAuditEvent, recordAuditEvents, searchAuditEvents, toFhirAuditEvent,
  type AuditAction, type AuditEventInput, type AuditEventRow, type AuditOutcome, type AuditSearch,
} from './audit';
export { rolesOf, toAuthUser, type AuthDb, type AuthUser } from './db';
export { storeAuditingChanges, type ChangeActor } from './audited-changes';
export {
  normalizeIssuer, OIDC_ENV, OidcCallbackError, oidcConfigFromEnv, OidcConfigError, OidcRelyingParty, OidcUnavailableError,
  type OidcConfig, type OidcRefusal, type OidcRelyingPartyOptions,
} from './oidc';
export { createOidcUser, findOidcUser, linkOidcSubject, unlinkOidcSubject } from './oidc-accounts';
