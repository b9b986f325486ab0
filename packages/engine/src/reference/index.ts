/** Plain TypeScript reference implementations (float64 where it matters): the oracles the fast paths are tested against. */
export * from './decoder.js';
export * from './decoder-ops.js';
export * from './lora.js';
export * from './matmul.js';
export * from './compare.js';
