/**
 * A model is a graph of named modules: each node names its inputs ('input' is the model's
 * input; by default a node reads the node before it), and the last node's output is the logits.
 * Parameter and state names are `<node name>.<param>`, as in a PyTorch state dict.
 */
import { numel, type Module, type ParamSpec, type Shape, type StateSpec } from './module.ts';

export interface GraphNode {
  name: string;
  module: Module;
  inputs: string[];
}

export const INPUT = 'input';

export class Graph {
  readonly nodes: GraphNode[];

  constructor(nodes: (Omit<GraphNode, 'inputs'> & { inputs?: string[] })[], readonly inputShape: Shape) {
    const seen = new Set([INPUT]);
    this.nodes = nodes.map((n, i) => {
      if (seen.has(n.name)) throw new Error(`duplicate node name "${n.name}"`);
      const inputs = n.inputs ?? [i === 0 ? INPUT : nodes[i - 1].name];
      for (const x of inputs) if (!seen.has(x)) throw new Error(`node "${n.name}" reads "${x}", which is not defined before it`);
      seen.add(n.name);
      return { name: n.name, module: n.module, inputs };
    });
    this.shapeMap(); // validates every shape
  }

  /** Per-sample output shape of every node (and of 'input'). */
  shapeMap(): Map<string, Shape> {
    const shapes = new Map<string, Shape>([[INPUT, this.inputShape]]);
    for (const n of this.nodes) shapes.set(n.name, n.module.outShape(n.inputs.map((x) => shapes.get(x)!)));
    return shapes;
  }

  /** Per-sample shape of the input and after every node, in order. */
  shapes(): Shape[] {
    return [...this.shapeMap().values()];
  }

  get outputShape(): Shape {
    return this.shapeMap().get(this.nodes[this.nodes.length - 1].name)!;
  }

  get classes(): number {
    return numel(this.outputShape);
  }

  /** Trainable parameters in state-dict order. */
  params(): ParamSpec[] {
    return this.nodes.flatMap((n) => n.module.params(n.name));
  }

  /** Non-trainable state (running statistics) in state-dict order. */
  state(): StateSpec[] {
    return this.nodes.flatMap((n) => n.module.state(n.name));
  }
}

/** A chain: each layer reads the one before it. */
export class Sequential extends Graph {
  constructor(readonly layers: [string, Module][], inputShape: Shape) {
    super(layers.map(([name, module]) => ({ name, module })), inputShape);
  }
}
