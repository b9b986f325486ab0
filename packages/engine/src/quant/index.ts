/** NF4 quantization, bit-exact with bitsandbytes, with double quantization and error budgets. */
export { NF4_FORMAT, NF4_DQ_FORMAT, nf4Layout, dqBlocks, assertNf4BlockSize, assertNf4Arrays, type Nf4BlockSize, type Nf4Layout } from './format.js';
export { NF4_CODEBOOK, NF4_THRESHOLDS, nf4Code, nf4CodeAt, quantizeNf4, dequantizeNf4, dequantizeNf4Into, type Nf4Tensor } from './nf4.js';
export {
  DYNAMIC_MAP,
  createDynamicMap,
  dynamicCode,
  quantizeBlockwise8bit,
  dequantizeBlockwise8bit,
  type Blockwise8bit,
  type DynamicMap,
} from './dynamic-map.js';
export {
  quantizeAbsmax,
  dequantizeAbsmax,
  doubleQuantizeNf4,
  quantizeNf4Dq,
  undoubleNf4,
  dequantizeNf4Dq,
  type QuantizedAbsmax,
  type Nf4DqTensor,
} from './double-quant.js';
export {
  NF4_MAX_HALF_GAP,
  DYNAMIC_MAP_MAX_HALF_GAP,
  NF4_ERROR_BUDGET,
  NF4_DQ_ABSMAX_ERROR_BUDGET,
  nf4ErrorBudget,
  dqAbsmaxErrorBudget,
  nf4ErrorBounds,
  nf4MemoryReport,
  type Nf4MemoryReport,
} from './budget.js';
