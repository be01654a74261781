// Re-exports only: one kernel family a file.
export { alloc, free } from "./memory";
export { fillNormal, fillSigns, normalizeRows } from "./rng";
export { gemmNT, gemmSubtractNN, packColumnPanels, packColumnPanelsBytes } from "./linalg/gemm";
export { forward, forwardColumns, outputLayerGradient } from "./relu_net/forward";
export { scaleRows, maskedRowSum, maskedRowSumScratchBytes } from "./relu_net/masked_sum";
export { maskedRowSumByTables, maskedRowSumByTablesScratchBytes } from "./relu_net/subset_sums";
export { maxRowDistance, maxDistanceFromCoefficients, accumulateCoefficients } from "./relu_net/distance";
export { extrapolate } from "./relu_net/extrapolate";
export { certificateStepColumns, perturbationMaskWords, perturbationRows } from "./relu_net/certificates";
export { countChangedBits, rowMasksFromPreactivations, rowMaskWordsFromPreactivations } from "./ntk/patterns";
export { linearKernel, linearKernelRows, certifyRowMasks, gramFromMasks, gramFromMaskRows, gramInfinity, demoteToF32 } from "./ntk/gram";
export * from "./linalg/eigen";
export { peakMulAdd, streamRead } from "./linalg/peak";
export { limitKernelClosedRows, gaussHermiteRule, hermiteTable, hermiteCoefficientRows, limitKernelSeriesRows } from "./ntk/limit_kernels";
export { erf, erfc, activationValue, activationDerivative } from "./activations/scalar";
export { applyActivation } from "./dense_net/activation";
export { denseForwardColumns, denseForwardDerivativeColumns, denseScaleCoefficients, denseCoefficients, denseOutputGradient, denseFeatureRows, denseGramCombine, derivativeChangeRows } from "./dense_net/step";
