// Survival statistics for OncoBoard (issue 6), checked against R's survival package: see README.md.
export { kaplanMeier, kaplanMeierSurvivalAt, survivalQuantile, confidenceLimits } from './kaplan-meier';
export type { ConfidenceIntervalType, KaplanMeierFit, KaplanMeierOptions, SurvivalQuantile } from './kaplan-meier';
export { logRankTest } from './log-rank';
export type { LogRankOptions, LogRankResult } from './log-rank';
export { fitCox, baselineCumulativeHazard, coxLinearPredictor, predictCoxSurvival } from './cox';
export type { ChiSquareTest, CoxData, CoxFit, CoxOptions, CoxTies } from './cox';
export { computeConcordance, computeHarrellC, computeUnoC, censoringSurvivalBeforeEventTimes } from './concordance';
export type { ConcordanceCounts, ConcordanceOptions, ConcordanceResult, ConcordanceTimeWeight } from './concordance';
export { computeTimeDependentAuc } from './time-dependent-auc';
export type { TimeDependentAuc } from './time-dependent-auc';
export { computeBrierScore, computeIntegratedBrierScore, integrateBrierScore } from './brier';
export type { BrierScore } from './brier';
export { buildDesignMatrix, buildSurvivalDesign } from './design-matrix';
export type { ColumnValue, DataColumns, DesignMatrix, SurvivalDesign, TermSpec } from './design-matrix';
export { chiSquareUpperTail, normalQuantile } from './distributions';
export type { RightCensoredData } from './survival-data';
