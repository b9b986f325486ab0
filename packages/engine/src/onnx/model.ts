/**
 * Plain-data descriptions of an ONNX model, graph, node, value and tensor: what the builder
 * assembles and what `encodeModel` serializes. Element types use ONNX Runtime's names
 * ('float32', ...) so the same strings describe graph inputs and the `ort.Tensor`s fed to them.
 */

/** Element types the writer supports, with their `TensorProto.DataType` codes. */
export const ONNX_DATA_TYPES = {
  float32: 1,
  uint8: 2,
  int32: 6,
  int64: 7,
  float16: 10,
} as const;

/** An element type of a tensor value or graph input/output. */
export type ElemType = keyof typeof ONNX_DATA_TYPES;

/** The typed array that holds each element type. float16 values are their raw IEEE half bits. */
export interface TensorDataByType {
  float32: Float32Array;
  uint8: Uint8Array;
  int32: Int32Array;
  int64: BigInt64Array;
  float16: Uint16Array;
}

/** One dimension of a value's shape: a fixed size, or a symbolic name (`dim_param`) like 'batch'. */
export type Dim = number | string;

/** A constant tensor (an initializer or a TENSOR attribute). Row-major, `dims` may be `[]` for a scalar. */
export interface TensorValue<T extends ElemType = ElemType> {
  type: T;
  dims: readonly number[];
  data: TensorDataByType[T];
}

/** A node attribute, tagged with its ONNX `AttributeType` so ints and floats never get confused. */
export type AttrValue =
  | { kind: 'int'; value: number | bigint }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: readonly (number | bigint)[] }
  | { kind: 'floats'; value: readonly number[] }
  | { kind: 'tensor'; value: TensorValue };

/** Shorthands for attribute values: `{ perm: attr.ints([1, 0]), alpha: attr.float(0.2) }`. */
export const attr = {
  int: (value: number | bigint): AttrValue => ({ kind: 'int', value }),
  float: (value: number): AttrValue => ({ kind: 'float', value }),
  string: (value: string): AttrValue => ({ kind: 'string', value }),
  ints: (value: readonly (number | bigint)[]): AttrValue => ({ kind: 'ints', value }),
  floats: (value: readonly number[]): AttrValue => ({ kind: 'floats', value }),
  tensor: (value: TensorValue): AttrValue => ({ kind: 'tensor', value }),
};

/** A typed graph input, output or intermediate value (`ValueInfoProto`). */
export interface ValueInfo {
  name: string;
  type: ElemType;
  shape: readonly Dim[];
}

/** One operator application (`NodeProto`). `domain` '' is the default ONNX domain. */
export interface NodeSpec {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  domain: string;
  attributes: Readonly<Record<string, AttrValue>>;
}

/** A whole graph (`GraphProto`); nodes are in topological order. */
export interface GraphSpec {
  name: string;
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
  initializers: readonly (TensorValue & { name: string })[];
  nodes: readonly NodeSpec[];
  valueInfo: readonly ValueInfo[];
}

/** An operator set the model imports (`OperatorSetIdProto`). */
export interface OpsetImport {
  domain: string;
  version: number;
}

/** Opsets every model imports unless told otherwise: ONNX 21 and Microsoft's contrib ops. */
export const DEFAULT_OPSETS: readonly OpsetImport[] = [
  { domain: '', version: 21 },
  { domain: 'com.microsoft', version: 1 },
];

/** Model-level fields (`ModelProto`) around a graph. */
export interface ModelOptions {
  irVersion?: number;
  opsets?: readonly OpsetImport[];
  producerName?: string;
  producerVersion?: string;
}

/**
 * Builds a tensor value, checking that `data` is the right typed array and holds exactly
 * the product of `dims` elements.
 */
export function makeTensor<T extends ElemType>(type: T, dims: readonly number[], data: TensorDataByType[T]): TensorValue<T> {
  const expected = dims.reduce((n, d) => n * d, 1);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new RangeError(`Tensor dims must be non-negative integers, got [${dims.join(', ')}]`);
  }
  if (!(data instanceof TYPED_ARRAYS[type])) {
    throw new TypeError(`A ${type} tensor needs a ${TYPED_ARRAYS[type].name}, got ${data.constructor.name}`);
  }
  if (data.length !== expected) {
    throw new RangeError(`Tensor of dims [${dims.join(', ')}] needs ${expected} elements, got ${data.length}`);
  }
  return { type, dims: [...dims], data };
}

const TYPED_ARRAYS = {
  float32: Float32Array,
  uint8: Uint8Array,
  int32: Int32Array,
  int64: BigInt64Array,
  float16: Uint16Array,
} as const;
