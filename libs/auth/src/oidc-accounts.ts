/**
 * Accounts signed in through OpenID Connect. An admin provisions them (CLI): a new account linked to the provider's
 * subject (no password: OIDC-only), or an existing one linked. Nothing here creates an account from a token.
 */
import { randomUUID } from 'node:crypto';
import { toAuthUser, type AuthDb, type AuthUser } from './db';
import { normalizeIssuer } from './oidc';
import { parseRoles } from './roles';
import { AuthError, normalizeUsername } from './users';

function checkLink(issuer: string, subject: string): { oidcIssuer: string; oidcSubject: string } {
  const oidcIssuer = normalizeIssuer(issuer);
  if (!/^https?:\/\/\S+$/.test(oidcIssuer) || oidcIssuer.length > 500) throw new AuthError(`--oidc-issuer "${issuer.slice(0, 100)}": expected the provider's issuer URL`, 'invalid');
  // OIDC Core: sub is at most 255 ASCII characters, case-sensitive.
  if (!subject || subject.length > 255 || !/^[\x21-\x7e]+$/.test(subject)) throw new AuthError('--oidc-subject: expected the provider\'s subject identifier (1-255 printable ASCII characters)', 'invalid');
  return { oidcIssuer, oidcSubject: subject };
}

async function refuseTaken(db: AuthDb, link: { oidcIssuer: string; oidcSubject: string }, exceptUserId?: string): Promise<void> {
  const holder = await db.user.findUnique({ where: { oidcIssuer_oidcSubject: link } });
  if (holder && holder.id !== exceptUserId) throw new AuthError(`that OIDC subject is already linked to ${holder.username}`, 'conflict');
}

/** A new account that signs in only through the provider (no password). */
export async function createOidcUser(db: AuthDb, input: { username: string; displayName?: string; roles: readonly string[]; issuer: string; subject: string }): Promise<AuthUser> {
  const username = normalizeUsername(input.username);
  const roles = parseRoles(input.roles, '--role');
  const link = checkLink(input.issuer, input.subject);
  if (await db.user.findUnique({ where: { username } })) throw new AuthError(`user ${username} already exists (use "user link-oidc" to link it)`, 'conflict');
  await refuseTaken(db, link);
  const row = await db.user.create({
    data: { id: `user-${randomUUID()}`, username, displayName: input.displayName?.trim() || username, passwordHash: null, rolesJson: JSON.stringify(roles), ...link },
  });
  return toAuthUser(row);
}

/** Links an existing account to the provider's subject (replacing an earlier link); its password, if any, stays. */
export async function linkOidcSubject(db: AuthDb, username: string, issuer: string, subject: string): Promise<AuthUser> {
  const name = normalizeUsername(username);
  const user = await db.user.findUnique({ where: { username: name } });
  if (!user) throw new AuthError(`no user ${name}`, 'not-found');
  const link = checkLink(issuer, subject);
  await refuseTaken(db, link, user.id);
  return toAuthUser(await db.user.update({ where: { id: user.id }, data: link }));
}

/** Removes the link; the account's sessions end (they may have been opened through it). */
export async function unlinkOidcSubject(db: AuthDb, username: string): Promise<boolean> {
  const name = normalizeUsername(username);
  const user = await db.user.findUnique({ where: { username: name } });
  if (!user) throw new AuthError(`no user ${name}`, 'not-found');
  if (!user.oidcSubject) return false;
  await db.user.update({ where: { id: user.id }, data: { oidcIssuer: null, oidcSubject: null } });
  await db.session.deleteMany({ where: { userId: user.id } });
  return true;
}

/** The account linked to (issuer, subject), with whether it is disabled; null when nobody is linked. */
export async function findOidcUser(db: AuthDb, issuer: string, subject: string): Promise<{ user: AuthUser; disabled: boolean } | null> {
  if (!subject || subject.length > 255) return null;
  const row = await db.user.findUnique({ where: { oidcIssuer_oidcSubject: { oidcIssuer: normalizeIssuer(issuer), oidcSubject: subject } } });
  return row ? { user: toAuthUser(row), disabled: row.disabled } : null;
}
