// The experiments' public surface: only re-exports.
export { widthSweep, ROUND_OFF_FLOOR, type WidthSweepOptions, type WidthSweepResult, type WidthRun, type WidthSummary, type SweepProgress } from './widthSweep.js';
export {
  convergenceBound, distanceBound, initialGramFloor, initialGramDeviationBound, trainingGramFloor, GRAM_DEVIATION_SLOPE, theoryStepSize,
  stabilityLimit, infiniteWidthTrajectory, fitPowerLaw, convergenceRate,
  type TrajectoryResult, type PowerLawFit,
} from './theory.js';
export { optimizerStabilityLimit, optimizerStabilityRule, polyakParameters, kernelRegimeTrajectory, sgdKernelRegimeTrajectory, type PolyakParameters } from './optimizers.js';
export { suggestStepSize, stepSizeFromSpectrum, DEFAULT_FRACTION_OF_LIMIT, type StepSizeSuggestion, type SuggestStepSizeOptions } from './stepSize.js';
export { ntkPredict, crossGramInfinity, choleskySolve, type NtkPredictOptions } from './ntk.js';
export { limitKernel, limitLabel, limitOptions, type LimitKernel, type LimitModel } from './limit.js';
export { figure1Checks, SLOPE_TOLERANCE, type Figure1Check } from './checks.js';
export { labelSpectrum, modeProjections, predictedModeDecay, fitModeRates, smallInitResidualPrediction, createModeRecorder, type ModeSelection, type LabelSpectrum, type ModeProjections, type ModeTrajectory, type ModeRate, type FitModeRatesOptions, type ModeRecorder } from './modes.js';
export { generalizationBound, distancePrediction, generalizationTerms, generalizationTermsFromEigen, classificationError, type GeneralizationTerms } from './generalization.js';
export { regimeChecks, REGIME_TOLERANCES } from './regimeChecks.js';
export { regimeSweep, predictedWidthSlope, type RegimeSweepOptions, type RegimeSweepResult, type RegimeRun, type RegimeProgress, type RegimeWidthFit, type RegimeQuantity, type MovementTimesAlpha } from './regimes.js';
export { flowTimes, flowBound, flowRadius, infiniteWidthFlow, flowStepSize, DEFAULT_FLOW_TOLERANCE, DEFAULT_FLOW_MAX_STEPS, lemma32Radius, widthRequirements, type FlowTrajectory, type FlowStepSize, type WidthRequirement, type WidthRequirementOptions } from './proof.js';
export { criticalWidth, fitPowerLawWithInterval, studentT975, type CriticalWidthOptions, type CriticalWidthProgress, type CriticalWidthResult, type CriticalWidthPoint, type WidthTrial, type PowerLawFitWithInterval } from './criticalWidth.js';
export { labelNoiseSweep, labelNoiseChecks, nestedLabelNoise, ORDERING_TAU, type LabelNoiseOptions, type LabelNoiseRun, type LabelNoiseResult } from './labelNoise.js';
export { optimizerComparison, optimizerComparisonChecks, RATE_FLOOR, RATE_TOLERANCE, SGD_STANDARD_ERRORS, type OptimizerComparisonOptions, type OptimizerComparisonResult, type OptimizerComparisonRun, type OptimizerComparisonProgress, type OptimizerCurves, type SgdSpread, type ComparedOptimizer } from './optimizerComparison.js';
