// From an imported cohort to a joint-model version: each patient's facts go through the clinical module (the same
// path as FHIR data), patients without any clinical data are left out and counted, and the version is built.
import type { Fact } from '@oncoboard/facts';
import { treatmentNameOf } from '../clinical/clinical-features';
import { clinicalModule } from '../clinical/clinical-module';
import type { CohortImport } from '../cohort/cohort-csv';
import { ModalityModuleRegistry } from '../modality-module';
import { buildJointModelVersion, type BuildJointVersionInput, type BuiltJointVersion } from './build-model-version';
import { buildJointDataset, type JointRow } from './joint-dataset';

const treatmentsOf = (facts: readonly Fact[]) => [...new Set(facts.map(treatmentNameOf).filter((t): t is string => !!t))].sort();

export async function buildJointVersionFromCohort(
  cohort: CohortImport,
  input: Omit<BuildJointVersionInput, 'data' | 'timeUnit' | 'dataSha256'>,
): Promise<BuiltJointVersion & { patientsWithoutData: string[]; testPatientKeys: string[] }> {
  const modules = new ModalityModuleRegistry();
  modules.register(clinicalModule);
  const rows: JointRow[] = [];
  const patientsWithoutData: string[] = [];
  for (const p of cohort.patients) {
    const encoding = await modules.encodePatient(clinicalModule.id, p.patientKey, p.facts);
    if (!encoding) {
      patientsWithoutData.push(p.patientKey);
      continue;
    }
    rows.push({ patientKey: p.patientKey, encodings: { [clinicalModule.id]: encoding }, outcome: p.outcome, treatments: treatmentsOf(p.facts) });
  }
  if (patientsWithoutData.length > 0) input.log?.(`${patientsWithoutData.length} patients have no clinical data: not enough data to use them`);
  const data = buildJointDataset([{ id: clinicalModule.id, moduleVersion: clinicalModule.version, vectorSize: clinicalModule.vectorSize }], rows);
  const timeUnit = cohort.patients[0]?.outcome.timeUnit ?? 'days';
  const built = await buildJointModelVersion({ ...input, data, timeUnit, dataSha256: cohort.sha256 });
  return { ...built, patientsWithoutData, testPatientKeys: built.testIndices.map((i) => data.patientKeys[i]!) };
}
