/**
 * Serializes the plain-data model of `model.ts` to ONNX protobuf bytes.
 * Field numbers are those of `onnx/onnx.proto`; each message has one encoder below.
 */
import {
  DEFAULT_OPSETS,
  ONNX_DATA_TYPES,
  type AttrValue,
  type GraphSpec,
  type ModelOptions,
  type NodeSpec,
  type OpsetImport,
  type TensorValue,
  type ValueInfo,
} from './model.js';
import { ProtoWriter, littleEndianBytes } from './wire.js';

/** IR version 10 is what ONNX 1.16+ writes for opset 21. */
export const DEFAULT_IR_VERSION = 10;

/** `AttributeProto.AttributeType` codes and the field that carries each kind's value. */
const ATTRIBUTE_CODES = {
  float: { type: 1, field: 2 },
  int: { type: 2, field: 3 },
  string: { type: 3, field: 4 },
  tensor: { type: 4, field: 5 },
  floats: { type: 6, field: 7 },
  ints: { type: 7, field: 8 },
} as const;

/** A whole `ModelProto` as bytes, ready for `InferenceSession.create`. */
export function encodeModel(graph: GraphSpec, options: ModelOptions = {}): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, options.irVersion ?? DEFAULT_IR_VERSION); // ir_version
  w.string(2, options.producerName ?? 'qlora-studio'); // producer_name
  if (options.producerVersion) w.string(3, options.producerVersion); // producer_version
  w.message(7, graphWriter(graph)); // graph
  for (const opset of options.opsets ?? DEFAULT_OPSETS) w.message(8, opsetWriter(opset)); // opset_import
  return w.finish();
}

function opsetWriter(opset: OpsetImport): ProtoWriter {
  const w = new ProtoWriter();
  if (opset.domain) w.string(1, opset.domain); // domain ('' is the default domain)
  w.int(2, opset.version); // version
  return w;
}

function graphWriter(graph: GraphSpec): ProtoWriter {
  const w = new ProtoWriter();
  for (const node of graph.nodes) w.message(1, nodeWriter(node)); // node
  w.string(2, graph.name); // name
  for (const init of graph.initializers) w.message(5, tensorWriter(init, init.name)); // initializer
  for (const v of graph.inputs) w.message(11, valueInfoWriter(v)); // input
  for (const v of graph.outputs) w.message(12, valueInfoWriter(v)); // output
  for (const v of graph.valueInfo) w.message(13, valueInfoWriter(v)); // value_info
  return w;
}

function nodeWriter(node: NodeSpec): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of node.inputs) w.string(1, input); // input ('' marks a skipped optional input)
  for (const output of node.outputs) w.string(2, output); // output
  if (node.name) w.string(3, node.name); // name
  w.string(4, node.opType); // op_type
  for (const [name, value] of Object.entries(node.attributes)) w.message(5, attributeWriter(name, value)); // attribute
  if (node.domain) w.string(7, node.domain); // domain
  return w;
}

function attributeWriter(name: string, value: AttrValue): ProtoWriter {
  const w = new ProtoWriter();
  const code = ATTRIBUTE_CODES[value.kind];
  w.string(1, name); // name
  w.int(20, code.type); // type
  switch (value.kind) {
    case 'float':
      w.float(code.field, value.value);
      break;
    case 'int':
      w.int(code.field, value.value);
      break;
    case 'string':
      w.string(code.field, value.value);
      break;
    case 'tensor':
      w.message(code.field, tensorWriter(value.value));
      break;
    case 'floats':
      w.packedFloats(code.field, value.value);
      break;
    case 'ints':
      w.packedVarints(code.field, value.value);
      break;
  }
  return w;
}

/** `TensorProto` with the data in `raw_data` (little-endian), the form ONNX Runtime reads fastest. */
function tensorWriter(tensor: TensorValue, name?: string): ProtoWriter {
  const w = new ProtoWriter();
  w.packedVarints(1, tensor.dims); // dims
  w.int(2, ONNX_DATA_TYPES[tensor.type]); // data_type
  if (name) w.string(8, name); // name
  w.bytes(9, littleEndianBytes(tensor.data)); // raw_data
  return w;
}

function valueInfoWriter(value: ValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const dim of value.shape) {
    const d = new ProtoWriter();
    if (typeof dim === 'number')
      d.int(1, dim); // dim_value
    else d.string(2, dim); // dim_param
    shape.message(1, d); // dim
  }
  const tensorType = new ProtoWriter();
  tensorType.int(1, ONNX_DATA_TYPES[value.type]); // elem_type
  tensorType.message(2, shape); // shape
  const type = new ProtoWriter();
  type.message(1, tensorType); // tensor_type
  const w = new ProtoWriter();
  w.string(1, value.name); // name
  w.message(2, type); // type
  return w;
}
