import type { McodeFact, McodeFactOf } from './types';

type TnmFact = McodeFactOf<'tnm-stage-group' | 'tnm-primary-tumor-category' | 'tnm-regional-nodes-category' | 'tnm-distant-metastases-category'>;

function isTnm(fact: McodeFact): fact is TnmFact {
  return fact.kind === 'tnm-stage-group' || fact.kind === 'tnm-primary-tumor-category' || fact.kind === 'tnm-regional-nodes-category' || fact.kind === 'tnm-distant-metastases-category';
}

/**
 * T, N and M observations often name no focus condition; only their stage group does (mCODE's own examples do so).
 * This gives such a category the focus of a stage group of the same patient: one that lists it in hasMember and is of
 * the same stage type, else one of the same stage type on the same day, else any that lists it. The added provenance cites the stage group's focus element, and
 * `focusInferredFrom` names the group. Facts are returned in order; those not changed are the same objects.
 */
export function linkStagingFacts<F extends McodeFact>(facts: readonly F[]): F[] {
  const groups = facts.filter((f): f is F & McodeFactOf<'tnm-stage-group'> => f.kind === 'tnm-stage-group' && !!f.attributes.focusConditionRef);
  return facts.map((fact) => {
    if (!isTnm(fact) || fact.kind === 'tnm-stage-group' || fact.attributes.focusConditionRef) return fact;
    const samePatient = groups.filter((g) => g.patientKey === fact.patientKey);
    const day = fact.effectiveStart?.slice(0, 10);
    const lists = (g: McodeFactOf<'tnm-stage-group'>) => g.attributes.memberRefs?.includes(fact.attributes.observationRef) ?? false;
    const compatible = (g: McodeFactOf<'tnm-stage-group'>) => !g.attributes.stageType || !fact.attributes.stageType || g.attributes.stageType === fact.attributes.stageType;
    const group =
      samePatient.find((g) => lists(g) && compatible(g)) ??
      samePatient.find((g) => g.attributes.stageType !== undefined && g.attributes.stageType === fact.attributes.stageType && day !== undefined && g.effectiveStart?.slice(0, 10) === day) ??
      samePatient.find(lists);
    if (!group) return fact;
    const focusPath = group.attributes.elementPaths.focusConditionRef;
    const source = group.provenance[0]?.sourceRecordKey;
    return {
      ...fact,
      attributes: { ...fact.attributes, focusConditionRef: group.attributes.focusConditionRef, focusInferredFrom: group.attributes.observationRef },
      provenance: [...fact.provenance, ...(focusPath && source ? [{ sourceRecordKey: source, elementPath: focusPath }] : [])],
    } as F;
  });
}
