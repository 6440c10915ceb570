// The kernels module `npm run build:wasm` compiles: every kernel file's exports.
export * from './sgemm';
export * from './elementwise';
export * from './rows';
export * from './optim';
export * from './window';
