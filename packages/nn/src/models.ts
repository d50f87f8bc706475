/** Models, each declared in a few lines. */
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from './layers.ts';

/** The study's ConvNet: conv 3→4 k3, ReLU, pool 2, conv 4→8 k3, ReLU, pool 2, flatten 288, fc 288→32, ReLU, fc 32→10. */
export function convNet(classes = 10): Sequential {
  return new Sequential([
    ['conv1', new Conv2d(3, 4, 3)], ['relu1', new ReLU()], ['pool1', new MaxPool2d(2)],
    ['conv2', new Conv2d(4, 8, 3)], ['relu2', new ReLU()], ['pool2', new MaxPool2d(2)],
    ['flatten', new Flatten()],
    ['fc1', new Linear(288, 32)], ['relu3', new ReLU()],
    ['fc2', new Linear(32, classes)],
  ]);
}

/** A larger network for robustness checks: three conv blocks of 32/64/128 channels (padding 1), then 2 linear layers. */
export function convNetLarge(classes = 10): Sequential {
  return new Sequential([
    ['conv1', new Conv2d(3, 32, 3, { padding: 1 })], ['relu1', new ReLU()], ['pool1', new MaxPool2d(2)],
    ['conv2', new Conv2d(32, 64, 3, { padding: 1 })], ['relu2', new ReLU()], ['pool2', new MaxPool2d(2)],
    ['conv3', new Conv2d(64, 128, 3, { padding: 1 })], ['relu3', new ReLU()], ['pool3', new MaxPool2d(2)],
    ['flatten', new Flatten()],
    ['fc1', new Linear(128 * 4 * 4, 128)], ['relu4', new ReLU()],
    ['fc2', new Linear(128, classes)],
  ]);
}

export const ARCHITECTURES: Record<string, (classes?: number) => Sequential> = {
  convnet: convNet,
  'convnet-large': convNetLarge,
};

export function buildModel(arch: string, classes = 10): Sequential {
  const make = ARCHITECTURES[arch];
  if (!make) throw new Error(`unknown architecture "${arch}"; known: ${Object.keys(ARCHITECTURES).join(', ')}`);
  return make(classes);
}
