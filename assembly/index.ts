// The kernels module `npm run build:wasm` compiles: every kernel family's exports.
export * from './sgemm';
export * from './elementwise';
export * from './reduce';
export * from './softmax';
export * from './crossEntropy';
export * from './layerNorm';
export * from './batchNorm';
export * from './indexing';
export * from './optim';
export * from './window';
