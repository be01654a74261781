// Symmetric eigenvalue kernels (float64): dense (Householder + implicit QL), Lanczos with full
// reorthogonalisation, power iteration, and the matrix–vector product they share.
export { symmetricMatVec, prepareSymmetric, maxAbsRowSum } from "./symmetric";
export { symmetricEigenvalues, symmetricEigenvectors } from "./householder";
export { lanczosWorkLength, lanczosExtreme } from "./lanczos";
export { powerIteration } from "./power";
