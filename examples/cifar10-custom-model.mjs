// A model built from nn's modules, trained on (a subset of) CIFAR-10 with focal loss, evaluated,
// and its state dict saved — plain Node, the objects the `losslab` CLI uses:
//   CIFAR10_DIR=/path/to/cifar-10-batches-bin node cifar10-custom-model.mjs [out-dir]   (default: a new folder under the system's temp folder)
// (without CIFAR10_DIR it looks in the cache, ~/.cache/losslab, and downloads there if needed).
import { writeFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openDevice, loadCifar10, createEngineFactory, runSpecFor } from '@losslab/experiments';
import { ARCHITECTURES, Sequential, Conv2d, ReLU, MaxPool2d, Flatten, Linear, stateDictToJson } from '@losslab/nn';

// The output folder: the one given, else a new temporary folder (never the current one).
const outDir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'losslab-cifar10-'));
mkdirSync(outDir, { recursive: true });
console.log(`writing into ${resolve(outDir)}`);

// A model from modules, registered by name: the engine builds every run's model by name.
ARCHITECTURES['small-cnn'] = (classes = 10) => new Sequential([
  ['conv1', new Conv2d(3, 8, 3, { padding: 1 })], ['relu1', new ReLU()], ['pool1', new MaxPool2d(2)],
  ['conv2', new Conv2d(8, 16, 3, { padding: 1 })], ['relu2', new ReLU()], ['pool2', new MaxPool2d(2)],
  ['flatten', new Flatten()],
  ['fc1', new Linear(16 * 8 * 8, classes)],
]);

const dataset = await loadCifar10({ dataDir: process.env.CIFAR10_DIR }); // validated; downloaded only if absent
const device = await openDevice((line) => console.log(line));
const factory = createEngineFactory(device, dataset);

// Loss by name ('ce', 'focal:<γ>', 'l1', 'l1-logits', 'ls:<ε>', 'gce:<q>'); SGD + StepLR; a seeded 5,000-image subset.
const spec = runSpecFor({ arch: 'small-cnn', loss: 'focal:2', seed: 1, epochs: 2, lr: 0.02, momentum: 0.9, weightDecay: 5e-4, trainSubset: 5000, schedule: { type: 'step', stepSize: 1, gamma: 0.5 } });
const run = await factory.createRun(spec);
for (let epoch = 1; epoch <= spec.epochs; epoch++) {
  const s = await run.trainEpoch(epoch, true, (p) => process.stdout.isTTY && process.stdout.write(`\repoch ${epoch}: step ${p.step}/${p.steps}`));
  console.log(`${process.stdout.isTTY ? '\r' : ''}epoch ${epoch}: lr ${s.lr}  train loss ${s.trainLoss.toFixed(4)}  test acc ${s.eval.testAcc.toFixed(4)}  test NLL ${s.eval.testNll.toFixed(4)}`);
}
writeFileSync(join(outDir, 'small-cnn.state_dict.json'), stateDictToJson(await run.stateDict()));
console.log(`saved ${join(outDir, 'small-cnn.state_dict.json')}`);
run.dispose();
factory.dispose();
device.device.destroy();
