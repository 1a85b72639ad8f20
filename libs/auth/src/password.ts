import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id with at least OWASP's minimum (Password Storage Cheat Sheet): m = 19456 KiB (19 MiB), t = 2, p = 1.
 * The parameters live in each PHC string, so raising them later still verifies the old hashes.
 */
export const ARGON2_OPTIONS = { algorithm: 2 /* Algorithm.Argon2id (a const enum) */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;
/** Longer inputs are refused before hashing: a megabyte "password" would only be a way to burn CPU. */
export const MAX_PASSWORD_LENGTH = 256;

const COMMON = new Set(['password1234', '123456789012', 'qwertyuiopas', 'passwordpassword', 'oncoboard123', 'changemechangeme', 'administrator']);

/** Why a password is refused, or undefined when it is acceptable. Never echoes the password. */
export function passwordProblem(password: string, username?: string): string | undefined {
  if (typeof password !== 'string') return 'expected a password';
  if (password.length < MIN_PASSWORD_LENGTH) return `password too short: expected at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `password too long: expected at most ${MAX_PASSWORD_LENGTH} characters`;
  if (new Set(password).size < 4) return 'password too simple: expected at least 4 different characters';
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'password too common';
  // Short names ("onc") would refuse ordinary words; from 4 characters on the name is a guess an attacker tries.
  if (username && username.length >= 4 && lower.includes(username.toLowerCase())) return 'password must not contain the username';
  return undefined;
}

export async function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** False for a wrong password, a malformed hash or an over-long input (never throws). */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/**
 * A hash of a random password with the same parameters: verified against when the user is unknown (or has no
 * password), so an unknown name costs the same time as a wrong password and response times do not tell them apart.
 */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(24).toString('base64url'));
  return dummyHash;
}
