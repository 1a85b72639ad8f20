import type { Patient } from '@medplum/fhirtypes';
import { asArray, asFhirDate, asString, isObject, type Json } from './fhir-values';
import type { PatientDemographics } from './types';

const NAME_USE_PREFERENCE = ['official', 'usual', undefined, 'maiden', 'nickname', 'temp', 'anonymous', 'old'];

/** The name a person goes by: official, else usual, else any (never an "old" one when another exists). */
export function preferredName(names: unknown): Json | undefined {
  const list = asArray(names).filter(isObject);
  const rank = (n: Json) => {
    const i = NAME_USE_PREFERENCE.indexOf(asString(n.use));
    return i === -1 ? NAME_USE_PREFERENCE.length : i;
  };
  return [...list].sort((a, b) => rank(a) - rank(b))[0];
}

/** "Jenny M" from a HumanName: its text, else given names then family. */
export function formatHumanName(name: Json | undefined): string | undefined {
  if (!name) return undefined;
  const text = asString(name.text);
  if (text) return text;
  const given = asArray(name.given).map(asString).filter(Boolean).join(' ');
  const family = asString(name.family);
  const full = [given, family].filter(Boolean).join(' ').trim();
  return full || undefined;
}

/** The demographics the patient list and search show, read from Patient. */
export function patientDemographicsOf(patient: Patient): PatientDemographics {
  const json = patient as unknown as Json;
  const id = asString(json.id) ?? '';
  const out: PatientDemographics = { key: `Patient/${id}` };
  const name = preferredName(json.name);
  const displayName = formatHumanName(name);
  if (displayName) out.displayName = displayName;
  const family = name ? asString(name.family) : undefined;
  if (family) out.family = family;
  const given = name ? asArray(name.given).map(asString).filter(Boolean).join(' ') : '';
  if (given) out.given = given;
  const birthDate = asFhirDate(json.birthDate);
  if (birthDate) out.birthDate = birthDate;
  const gender = asString(json.gender);
  if (gender) out.gender = gender;
  const identifiers = asArray(json.identifier)
    .filter(isObject)
    .map((identifier) => {
      const value = asString(identifier.value);
      if (!value) return undefined;
      const system = asString(identifier.system);
      return system ? { system, value } : { value };
    })
    .filter((i): i is { system?: string; value: string } => !!i);
  if (identifiers.length > 0) out.identifiers = identifiers;
  const deceasedAt = asFhirDate(json.deceasedDateTime);
  if (deceasedAt) out.deceasedAt = deceasedAt;
  if (deceasedAt || json.deceasedBoolean === true) out.deceased = true;
  else if (json.deceasedBoolean === false) out.deceased = false;
  return out;
}
