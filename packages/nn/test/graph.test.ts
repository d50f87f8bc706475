// Models as graphs: ResNet's structure and names against PyTorch's, the fusion pass, initialisation by layer.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildModel, convNet, initialParams, plannedNodes, resnet, Rng, type ParityFixture } from '../src/index.ts';

const fixture = (arch: string) => JSON.parse(readFileSync(new URL(`./fixtures/${arch}.json`, import.meta.url), 'utf8')) as ParityFixture;
const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);

describe('ResNet for CIFAR-10 (He et al. 2016)', () => {
  it.each([['resnet20', 269_722], ['resnet8', 75_290]])('%s has PyTorch\'s state-dict names and shapes and %i parameters', (arch, count) => {
    const model = buildModel(arch);
    const ours = [...model.params(), ...model.state()].map((p) => `${p.name}:${p.shape.join('x')}`).sort();
    const torch = Object.entries(fixture(arch).params).map(([k, v]) => `${k}:${v.shape.join('x')}`).sort();
    expect(ours).toEqual(torch);
    expect(model.params().reduce((s, p) => s + numel(p.shape), 0)).toBe(count);
    expect(model.state().filter((s) => s.name.endsWith('running_var'))).toHaveLength(arch === 'resnet20' ? 19 : 7);
  });

  it('has 6n + 2 weighted layers and the paper\'s feature maps (32/16/8) and widths (16/32/64)', () => {
    const model = resnet(3);
    const weighted = model.nodes.filter((n) => n.module.kind === 'conv2d' || n.module.kind === 'linear');
    expect(weighted).toHaveLength(20);
    const shapes = model.shapeMap();
    expect(shapes.get('layer1.2.relu2')).toEqual([16, 32, 32]);
    expect(shapes.get('layer2.0.relu2')).toEqual([32, 16, 16]);
    expect(shapes.get('layer3.2.relu2')).toEqual([64, 8, 8]);
    expect(model.outputShape).toEqual([10]);
    expect(model.nodes.find((n) => n.name === 'layer2.0')!.inputs).toEqual(['layer2.0.bn2', 'layer1.2.relu2']);
  });
});

describe('the fusion pass', () => {
  it("keeps the ConvNet's fast paths: conv → ReLU → pool fused, ReLU into fc1, activations named as before", () => {
    const nodes = plannedNodes(convNet(), true, 64);
    expect(nodes.map((n) => `${n.module.kind}:${n.prefix}→${n.name}:${n.activation}`)).toEqual([
      'conv2d_relu_pool:conv1→pool1:pool1', 'conv2d_relu_pool:conv2→pool2:pool2', 'flatten:flatten→flatten:flatten',
      'linear:fc1→relu3:fc1_relu', 'linear:fc2→fc2:fc2',
    ]);
    expect(plannedNodes(convNet(), false, 64).map((n) => n.activation)).toEqual(['conv1', 'conv1_relu', 'pool1', 'conv2', 'conv2_relu', 'pool2', 'flatten', 'fc1', 'fc1_relu', 'fc2']);
  });

  it('folds every ReLU of a ResNet into its BatchNorm or residual sum; a block input read twice stays one tensor', () => {
    const nodes = plannedNodes(resnet(1), true, 8);
    expect(nodes.filter((n) => n.module.kind === 'relu')).toEqual([]);
    expect(nodes.filter((n) => n.module.kind === 'batchnorm2d').map((n) => n.activation)).toContain('layer1.0.bn1_relu');
    const add = nodes.find((n) => n.prefix === 'layer2.0')!;
    expect(add).toMatchObject({ name: 'layer2.0.relu2', activation: 'layer2.0_relu', inputs: ['layer2.0.bn2', 'layer1.0.relu2'] });
    expect(nodes.filter((n) => n.inputs.includes('layer1.0.relu2')).map((n) => n.prefix)).toEqual(['layer2.0.conv1', 'layer2.0']);
  });
});

describe('initialisation is decided by the layer', () => {
  it('ResNet: Kaiming-normal conv and linear weights (std √(2/fan_in)), BatchNorm γ = 1 and β = 0, the linear bias PyTorch\'s uniform', () => {
    const model = resnet(3);
    const p = initialParams(model.params(), new Rng(5, 'init'));
    for (const name of ['layer3.1.conv2.weight', 'layer2.0.conv1.weight', 'conv1.weight']) {
      const spec = model.params().find((s) => s.name === name)!;
      const d = p[name].data;
      const mean = d.reduce((a, b) => a + b, 0) / d.length;
      const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
      const std = Math.sqrt(2 / spec.fanIn);
      expect(Math.abs(mean), name).toBeLessThan(5 * std / Math.sqrt(d.length));
      expect(sd / std, name).toBeGreaterThan(d.length > 1000 ? 0.95 : 0.85);
      expect(sd / std, name).toBeLessThan(d.length > 1000 ? 1.05 : 1.15);
    }
    expect(Array.from(p['layer1.0.bn2.weight'].data)).toEqual(new Array(16).fill(1));
    expect(Array.from(p['bn1.bias'].data)).toEqual(new Array(16).fill(0));
    const bias = Array.from(p['linear.bias'].data);
    expect(Math.max(...bias.map(Math.abs))).toBeLessThan(1 / Math.sqrt(64));
    expect(new Set(bias).size).toBe(10);
  });

  it('running statistics start as PyTorch\'s (mean 0, var 1, no batches) and are not parameters', () => {
    const model = resnet(1);
    expect(model.params().some((p) => p.name.includes('running'))).toBe(false);
    expect(model.state().filter((s) => s.name.startsWith('bn1.'))).toEqual([
      { name: 'bn1.running_mean', shape: [16], value: 0 }, { name: 'bn1.running_var', shape: [16], value: 1 }, { name: 'bn1.num_batches_tracked', shape: [], value: 0 },
    ]);
  });
});
