// The secret behind every pseudonym and date offset. It comes from configuration (ONCOBOARD_DEID_KEY), never
// from a default: without a key nothing runs. The secret sits in a private field, so JSON.stringify, console.log
// and util.inspect of a DeidKey show only its id (a one-way fingerprint that manifests may carry).
import { createHash, createHmac } from 'node:crypto';

export const DEID_KEY_ENV = 'ONCOBOARD_DEID_KEY';
export const DEID_KEY_MIN_LENGTH = 32;

export class DeidKeyError extends Error {
  override name = 'DeidKeyError';
}

export class DeidKey {
  readonly #secret: Buffer;
  /** Non-secret fingerprint of the key (16 hex digits): says which key made an export, cannot recover it. */
  readonly id: string;

  constructor(secret: string) {
    if (typeof secret !== 'string' || secret.trim().length < DEID_KEY_MIN_LENGTH) {
      throw new DeidKeyError(`de-identification key: expected a secret of at least ${DEID_KEY_MIN_LENGTH} characters, got ${typeof secret === 'string' ? `${secret.trim().length}` : typeof secret}`);
    }
    this.#secret = Buffer.from(secret, 'utf8');
    this.id = createHash('sha256').update('oncoboard-deid-key-id\0').update(this.#secret).digest('hex').slice(0, 16);
  }

  /** HMAC-SHA256 of `domain \0 value`: domains keep pseudonyms of different kinds apart. */
  digest(domain: string, value: string): Buffer {
    return createHmac('sha256', this.#secret).update(domain).update('\0').update(value, 'utf8').digest();
  }

  toJSON(): { keyId: string } {
    return { keyId: this.id };
  }

  toString(): string {
    return `DeidKey(${this.id})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * The key from configuration: `env.ONCOBOARD_DEID_KEY` (process.env by default). Throws DeidKeyError when it is
 * missing or too short; there is no default key.
 */
export function loadDeidKey(env: Record<string, string | undefined> = process.env): DeidKey {
  const secret = env[DEID_KEY_ENV];
  if (secret === undefined || secret.trim() === '') {
    throw new DeidKeyError(`${DEID_KEY_ENV} is not set: de-identification needs a secret key from configuration (at least ${DEID_KEY_MIN_LENGTH} characters); there is no default key`);
  }
  if (secret.trim().length < DEID_KEY_MIN_LENGTH) {
    throw new DeidKeyError(`${DEID_KEY_ENV}: expected at least ${DEID_KEY_MIN_LENGTH} characters, got ${secret.trim().length}`);
  }
  return new DeidKey(secret);
}

/** A UUID (RFC 9562 version 8, "custom") made of the first 122 bits of the keyed digest. */
export function pseudonymUuid(key: DeidKey, domain: string, value: string): string {
  const b = Buffer.from(key.digest(domain, value).subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A short keyed token (uppercase base32, `length` characters, 5 bits each), e.g. for identifier values. */
export function pseudonymToken(key: DeidKey, domain: string, value: string, length = 16): string {
  const d = key.digest(domain, value);
  let out = '';
  for (let n = 0; n < length; n++) {
    const bit = n * 5;
    const byte = bit >> 3;
    const word = ((d[byte % 32]! << 8) | d[(byte + 1) % 32]!) >> (11 - (bit & 7));
    out += BASE32[word & 31];
  }
  return out;
}

/** A DICOM UID under the 2.25 root: the first 128 bits of the keyed digest as a decimal integer (≤ 44 chars). */
export function pseudonymUid(key: DeidKey, uid: string): string {
  const hex = key.digest('dicom-uid', uid.replace(/\0+$/, '').trim()).subarray(0, 16).toString('hex');
  return `2.25.${BigInt(`0x${hex}`).toString(10)}`;
}

/** The largest date shift, in days, either way. */
export const MAX_DATE_OFFSET_DAYS = 365;

/**
 * The patient's date offset: a whole number of days in [-365, -1] ∪ [1, 365] (never 0), from
 * HMAC-SHA256(key, patientKey). The same key and patient give the same offset in FHIR, DICOM and text.
 * `patientKey` is the patient's original FHIR reference, e.g. "Patient/123".
 */
export function patientDateOffsetDays(key: DeidKey, patientKey: string): number {
  const n = key.digest('date-offset', patientKey).readUInt32BE(0) % (2 * MAX_DATE_OFFSET_DAYS);
  return n < MAX_DATE_OFFSET_DAYS ? -(n + 1) : n - MAX_DATE_OFFSET_DAYS + 1;
}
