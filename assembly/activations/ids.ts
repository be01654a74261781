// Activation ids shared by every kernel that evaluates ψ or ψ′ (the limit kernels in
// assembly/ntk/limit_kernels.ts, the dense training path). The TypeScript side's table is
// ACTIVATION_IDS in src/activations.ts; test/limit_kernels.test.ts reads this file and checks
// that the two agree, so this file is the one source of truth. Plain `export const NAME: i32 = N;`
// lines only: the test parses them.

export const ACTIVATION_RELU: i32 = 0;
export const ACTIVATION_LEAKY_RELU: i32 = 1;
export const ACTIVATION_SOFTPLUS: i32 = 2;
export const ACTIVATION_SIGMOID: i32 = 3;
export const ACTIVATION_TANH: i32 = 4;
export const ACTIVATION_ERF: i32 = 5;
export const ACTIVATION_GELU: i32 = 6;
export const ACTIVATION_QUADRATIC: i32 = 7;
export const ACTIVATION_LINEAR: i32 = 8;

// Which layer's limit a kernel computes (bit flags): H* (first), K^a (output), or their sum.
export const PART_FIRST: i32 = 1;
export const PART_OUTPUT: i32 = 2;
export const PART_BOTH: i32 = 3;
