// Trains LossLab's ConvNet on synthetic images with plain Node, on the WebGPU adapter:
//   npm install @losslab/experiments @losslab/nn && node train-synthetic.mjs [out-dir]   (default: a new folder under the system's temp folder)
// The same objects the `losslab` CLI uses: device, data set, engine, RunSpec, state dicts.
import { writeFileSync, readFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openDevice, datasetFromArrays, createEngineFactory, runSpecFor, IMAGE_BYTES } from '@losslab/experiments';
import { stateDictToJson, stateDictFromJson } from '@losslab/nn';

// The output folder: the one given, else a new temporary folder (never the current one).
const outDir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'losslab-synthetic-'));
mkdirSync(outDir, { recursive: true });
console.log(`writing into ${resolve(outDir)}`);

// Ten classes, each a noisy image with a bright bar at its own position and colour channel.
function synthetic(n, seed) {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const images = new Uint8Array(n * IMAGE_BYTES);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 10;
    labels[i] = label;
    const img = images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES);
    for (let k = 0; k < IMAGE_BYTES; k++) img[k] = 64 + Math.floor(rand() * 64);
    const channel = label % 3, row0 = 3 * label;
    for (let y = row0; y < row0 + 3; y++) for (let x = 0; x < 32; x++) img[channel * 1024 + y * 32 + x] = 255;
  }
  return { images, labels };
}

const device = await openDevice((line) => console.log(line)); // adapter from LOSSLAB_ADAPTER (default: auto)
const dataset = datasetFromArrays({ train: synthetic(2048, 1), test: synthetic(500, 2) });
const factory = createEngineFactory(device, dataset);

// Model and loss by name, SGD with momentum and StepLR: every field of a RunSpec has the study's default.
const spec = runSpecFor({ arch: 'convnet', loss: 'ce', seed: 0, lr: 0.01, momentum: 0.9, batchSize: 64, epochs: 10, schedule: { type: 'step', stepSize: 5, gamma: 0.5 } });
const run = await factory.createRun(spec);
console.log(`training ${spec.arch} with ${spec.loss}: ${spec.epochs} epochs × ${run.stepsPerEpoch} steps`);
const losses = [];
for (let epoch = 1; epoch <= spec.epochs; epoch++) {
  const stats = await run.trainEpoch(epoch, epoch === spec.epochs);
  losses.push(stats.trainLoss);
  console.log(`epoch ${epoch}  lr ${stats.lr}  train loss ${stats.trainLoss.toFixed(4)}  train acc ${stats.trainAcc.toFixed(3)}`);
}
const evaluation = await run.evaluate();
console.log(`test: loss ${evaluation.testLoss.toFixed(4)}  acc ${evaluation.testAcc.toFixed(3)}`);

// Save the state dict (PyTorch names, JSON of flat arrays), load it into a fresh run, evaluate again.
const file = join(outDir, 'convnet.state_dict.json');
writeFileSync(file, stateDictToJson(await run.stateDict()));
run.dispose();
const restored = await factory.createRun(spec);
restored.loadStateDict(stateDictFromJson(readFileSync(file, 'utf8')));
const again = await restored.evaluate();
console.log(`reloaded ${file}: test acc ${again.testAcc.toFixed(3)}`);
restored.dispose();

const result = { steps: spec.epochs * run.stepsPerEpoch, firstLoss: losses[0], lastLoss: losses.at(-1), testAcc: evaluation.testAcc, reloadedTestAcc: again.testAcc, stateDict: file };
writeFileSync(join(outDir, 'result.json'), JSON.stringify(result, null, 2));
console.log(JSON.stringify(result));
factory.dispose();
device.device.destroy();
