/** Flatten: a view of its input (same buffer, same gradient buffer). */
import { none, numel, type BackwardArgs, type Module, type Shape } from '../module.ts';

export class Flatten implements Module {
  readonly kind = 'flatten';
  readonly view = true;
  readonly params = none.params;
  readonly state = none.state;

  outShape([input]: Shape[]): Shape {
    return [numel(input)];
  }

  forward() {
    return [];
  }

  backward(a: BackwardArgs) {
    return { dispatches: [], inputs: [a.needInput[0] ? { buffer: a.dy } : undefined] };
  }
}
