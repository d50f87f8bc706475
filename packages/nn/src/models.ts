/**
 * Models, each declared in a few lines. Every model takes the data set's class count and per-sample
 * input shape [C, H, W] (CIFAR-10's 10 and [3, 32, 32] by default): the first layer reads C
 * channels and a flattened size is whatever the convolutions leave of H × W.
 */
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, BatchNorm2d, ResidualAdd, GlobalAvgPool, Graph, type Module, type Shape } from './layers.ts';
import { numel } from './module.ts';

export const DEFAULT_INPUT: Shape = [3, 32, 32];

/** `features`, then flatten, then the head built on the features' flattened size. */
function flattenInto(features: [string, Module][], head: (flat: number) => [string, Module][], input: Shape): Sequential {
  const flat = numel(new Sequential(features, input).outputShape);
  return new Sequential([...features, ['flatten', new Flatten()], ...head(flat)], input);
}

/**
 * The study's ConvNet: conv C→4 k3, ReLU, pool 2, conv 4→8 k3, ReLU, pool 2, flatten, fc →32, ReLU,
 * fc 32→classes. The flattened size is 8·⌊(⌊(H−2)/2⌋−2)/2⌋·(same for W): 288 for 3×32×32, 200 for 1×28×28.
 */
export function convNet(classes = 10, input: Shape = DEFAULT_INPUT): Sequential {
  return flattenInto([
    ['conv1', new Conv2d(input[0], 4, 3)], ['relu1', new ReLU()], ['pool1', new MaxPool2d(2)],
    ['conv2', new Conv2d(4, 8, 3)], ['relu2', new ReLU()], ['pool2', new MaxPool2d(2)],
  ], (flat) => [
    ['fc1', new Linear(flat, 32)], ['relu3', new ReLU()],
    ['fc2', new Linear(32, classes)],
  ], input);
}

/** A larger network for robustness checks: three conv blocks of 32/64/128 channels (padding 1), then 2 linear layers (2048→128 on 32×32). */
export function convNetLarge(classes = 10, input: Shape = DEFAULT_INPUT): Sequential {
  return flattenInto([
    ['conv1', new Conv2d(input[0], 32, 3, { padding: 1 })], ['relu1', new ReLU()], ['pool1', new MaxPool2d(2)],
    ['conv2', new Conv2d(32, 64, 3, { padding: 1 })], ['relu2', new ReLU()], ['pool2', new MaxPool2d(2)],
    ['conv3', new Conv2d(64, 128, 3, { padding: 1 })], ['relu3', new ReLU()], ['pool3', new MaxPool2d(2)],
  ], (flat) => [
    ['fc1', new Linear(flat, 128)], ['relu4', new ReLU()],
    ['fc2', new Linear(128, classes)],
  ], input);
}

/**
 * ResNet for CIFAR-10 (He et al. 2016, section 4.2): a 3×3 conv with 16 filters, three stages of
 * n basic blocks (16/32/64 channels on 32/16/8 feature maps; the first block of stages 2 and 3
 * subsamples with stride 2), identity shortcuts with zero-padded channels (option A), BatchNorm
 * after every conv, global average pooling, a linear layer. 6n + 2 layers: n = 3 is ResNet-20
 * (0.27 M parameters), n = 1 ResNet-8. Weights He et al. 2015 (Kaiming normal, fan_in); names as
 * packages/nn/python/losslab_torch/resnet.py (conv1, bn1, layer1.0.conv1, …, linear).
 */
export function resnet(n: number, classes = 10, input: Shape = DEFAULT_INPUT): Graph {
  const nodes: ConstructorParameters<typeof Graph>[0] = [
    { name: 'conv1', module: new Conv2d(input[0], 16, 3, { padding: 1, bias: false, init: 'kaiming-normal' }) },
    { name: 'bn1', module: new BatchNorm2d(16) },
    { name: 'relu', module: new ReLU() },
  ];
  let x = 'relu';
  let inPlanes = 16;
  for (const [stage, planes] of [16, 32, 64].entries()) {
    for (let b = 0; b < n; b++) {
      const p = `layer${stage + 1}.${b}`;
      const stride = stage > 0 && b === 0 ? 2 : 1;
      nodes.push(
        { name: `${p}.conv1`, module: new Conv2d(inPlanes, planes, 3, { stride, padding: 1, bias: false, init: 'kaiming-normal' }), inputs: [x] },
        { name: `${p}.bn1`, module: new BatchNorm2d(planes) },
        { name: `${p}.relu1`, module: new ReLU() },
        { name: `${p}.conv2`, module: new Conv2d(planes, planes, 3, { padding: 1, bias: false, init: 'kaiming-normal' }) },
        { name: `${p}.bn2`, module: new BatchNorm2d(planes) },
        { name: p, module: new ResidualAdd(), inputs: [`${p}.bn2`, x] },
        { name: `${p}.relu2`, module: new ReLU() },
      );
      x = `${p}.relu2`;
      inPlanes = planes;
    }
  }
  nodes.push(
    { name: 'avgpool', module: new GlobalAvgPool(), inputs: [x] },
    { name: 'linear', module: new Linear(64, classes, 'kaiming-normal') },
  );
  return new Graph(nodes, input);
}

export const ARCHITECTURES: Record<string, (classes?: number, input?: Shape) => Graph> = {
  convnet: convNet,
  'convnet-large': convNetLarge,
  resnet20: (classes, input) => resnet(3, classes, input),
  resnet8: (classes, input) => resnet(1, classes, input),
};

/** The model `arch` for `classes` classes and per-sample input [C, H, W]. */
export function buildModel(arch: string, classes = 10, input: Shape = DEFAULT_INPUT): Graph {
  const make = ARCHITECTURES[arch];
  if (!make) throw new Error(`unknown architecture "${arch}"; known: ${Object.keys(ARCHITECTURES).join(', ')}`);
  return make(classes, input);
}
