/** A minimal ONNX protobuf writer and graph builder. */
export { ProtoWriter } from './wire.js';
export { encodeModel, DEFAULT_IR_VERSION } from './encode.js';
export { GraphBuilder, type NodeOptions } from './graph-builder.js';
export {
  attr,
  makeTensor,
  DEFAULT_OPSETS,
  ONNX_DATA_TYPES,
  type AttrValue,
  type Dim,
  type ElemType,
  type GraphSpec,
  type ModelOptions,
  type NodeSpec,
  type OpsetImport,
  type TensorDataByType,
  type TensorValue,
  type ValueInfo,
} from './model.js';
export { Ops, rmsNorm, rmsNormBackward, ropeRotate, geluTanh, softcap, GELU_TANH_C, type OpOptions } from './ops.js';
