// Symmetric eigenvalue kernels (float64): dense (Householder + implicit QL), Lanczos with full
// reorthogonalisation (on A, or shift-invert through a Cholesky factor), power iteration, and the
// matrix–vector product they share.
export { symmetricMatVec, prepareSymmetric, inspectSymmetric, maxAbsRowSum } from "./symmetric";
export { symmetricEigenvalues, symmetricEigenvectors, householderPassRows, setHouseholderThreads } from "./householder";
export { eigenvectorsTridiagonalize, accumulateReflectionRows, eigenvectorsSort } from "./householder";
export { tridiagonalQL } from "./tridiagonal";
export { lanczosWorkLength, lanczosExtreme, shiftInvertLanczos } from "./lanczos";
export { powerIteration } from "./power";
export { choleskyShifted, choleskySolve, choleskyLoad, choleskyPanelUpdate, choleskyPanelFactor, choleskyPanelWidth } from "./cholesky";
