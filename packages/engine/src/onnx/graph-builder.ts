/**
 * A small builder for ONNX graphs: declare inputs and initializers, add nodes (each returns
 * the names of its outputs), mark outputs, then serialize. It checks names as it goes, so a
 * typo fails here with a clear message rather than inside ONNX Runtime.
 */
import { encodeModel } from './encode.js';
import type { AttrValue, Dim, ElemType, GraphSpec, ModelOptions, NodeSpec, TensorValue, ValueInfo } from './model.js';

/** Options of one node beyond its inputs and attributes. */
export interface NodeOptions {
  /** Operator domain, e.g. 'com.microsoft'; default is the standard ONNX domain. */
  domain?: string;
  /** Output names to use, or how many outputs to name automatically (default 1). */
  outputs?: number | readonly string[];
  /** Node name; default is derived from the op type. */
  name?: string;
}

/** Assembles one ONNX graph. */
export class GraphBuilder {
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly initializers: (TensorValue & { name: string })[] = [];
  private readonly nodes: NodeSpec[] = [];
  private readonly valueInfos: ValueInfo[] = [];
  /** Every value name defined so far: inputs, initializers and node outputs. */
  private readonly defined = new Set<string>();
  private readonly nodeNames = new Set<string>();
  private counter = 0;

  /** @param name the graph's name, shown by tools like Netron. */
  constructor(readonly name = 'graph') {}

  /** Declares a graph input; string dims are symbolic (e.g. 'batch'). Returns its name. */
  input(name: string, type: ElemType, shape: readonly Dim[]): string {
    this.define(name);
    this.inputs.push({ name, type, shape: [...shape] });
    return name;
  }

  /** Adds a constant stored in the model. Returns its name. */
  initializer(name: string, tensor: TensorValue): string {
    this.define(name);
    this.initializers.push({ ...tensor, name });
    return name;
  }

  /**
   * Adds a node and returns its output names. Inputs must already be defined; '' skips an
   * optional input.
   */
  node(opType: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrValue>> = {}, options: NodeOptions = {}): string[] {
    for (const input of inputs) {
      if (input !== '' && !this.defined.has(input)) {
        throw new Error(`${opType} node reads '${input}', which is not an input, initializer or earlier node output`);
      }
    }
    const name = options.name ?? this.freshName(opType);
    if (this.nodeNames.has(name)) throw new Error(`Duplicate node name '${name}'`);
    const wanted = options.outputs ?? 1;
    const outputs = typeof wanted === 'number' ? Array.from({ length: wanted }, (_, i) => `${name}_out${i}`) : [...wanted];
    for (const output of outputs) this.define(output);
    this.nodeNames.add(name);
    this.nodes.push({ opType, inputs: [...inputs], outputs, name, domain: options.domain ?? '', attributes: { ...attrs } });
    return outputs;
  }

  /** Adds a single-output node and returns that output's name. */
  op(
    opType: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, AttrValue>> = {},
    options: Omit<NodeOptions, 'outputs'> & { output?: string } = {},
  ): string {
    const { output, ...rest } = options;
    const [out] = this.node(opType, inputs, attrs, { ...rest, outputs: output === undefined ? 1 : [output] });
    if (out === undefined) throw new Error('unreachable: a single-output node has an output');
    return out;
  }

  /** Marks a defined value as a graph output with its type and shape. */
  output(name: string, type: ElemType, shape: readonly Dim[]): void {
    if (!this.defined.has(name)) throw new Error(`Graph output '${name}' is never defined`);
    if (this.outputs.some((o) => o.name === name)) throw new Error(`'${name}' is already a graph output`);
    this.outputs.push({ name, type, shape: [...shape] });
  }

  /** Records the type and shape of an intermediate value (optional; helps shape inference). */
  valueInfo(name: string, type: ElemType, shape: readonly Dim[]): void {
    if (!this.defined.has(name)) throw new Error(`value_info for '${name}', which is never defined`);
    this.valueInfos.push({ name, type, shape: [...shape] });
  }

  /** The graph as plain data. */
  toGraph(): GraphSpec {
    if (this.outputs.length === 0) throw new Error(`Graph '${this.name}' has no outputs`);
    return {
      name: this.name,
      inputs: [...this.inputs],
      outputs: [...this.outputs],
      initializers: [...this.initializers],
      nodes: [...this.nodes],
      valueInfo: [...this.valueInfos],
    };
  }

  /** The serialized `ModelProto` (IR 10, opsets ai.onnx 21 and com.microsoft 1 by default). */
  toModelBytes(options: ModelOptions = {}): Uint8Array {
    return encodeModel(this.toGraph(), options);
  }

  private define(name: string): void {
    if (name === '') throw new Error('Value names must not be empty');
    if (this.defined.has(name)) throw new Error(`Value '${name}' is defined twice`);
    this.defined.add(name);
  }

  private freshName(opType: string): string {
    let name: string;
    do name = `${opType}_${this.counter++}`;
    while (this.nodeNames.has(name));
    return name;
  }
}
