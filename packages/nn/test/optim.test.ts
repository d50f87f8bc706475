import { describe, expect, it } from 'vitest';
import { StepLR, MultiStepLR, lrSchedule, validateSgd, stateDictFromJson, stateDictToJson } from '../src/index.ts';

describe('StepLR', () => {
  it('matches PyTorch: lr = base·γ^⌊epoch/step⌋, stepped once per epoch', () => {
    const s = new StepLR(0.01, 10, 0.5);
    const lrs = [s.lr];
    for (let e = 0; e < 30; e++) lrs.push(s.step());
    expect(lrs[0]).toBe(0.01);
    expect(lrs[9]).toBe(0.01);
    expect(lrs[10]).toBe(0.005);
    expect(lrs[19]).toBe(0.005);
    expect(lrs[20]).toBe(0.0025);
    expect(lrs[30]).toBe(0.00125);
  });
  it('rejects a non-positive step size', () => {
    expect(() => new StepLR(0.1, 0, 0.5)).toThrow(/step size/);
  });
});

describe('MultiStepLR', () => {
  it("matches PyTorch 1.13's lr at every epoch of the ResNet recipe (÷10 at 82 and 123)", () => {
    const s = new MultiStepLR(0.1, [123, 82], 0.1);
    const lrs = [s.lr];
    for (let e = 0; e < 164; e++) lrs.push(s.step());
    // torch.optim.lr_scheduler.MultiStepLR(SGD(lr=0.1), [82, 123], 0.1), param_groups[0]['lr'] after e steps
    expect([lrs[0], lrs[81], lrs[82], lrs[122], lrs[123], lrs[164]]).toEqual([0.1, 0.1, 0.010000000000000002, 0.010000000000000002, 0.0010000000000000002, 0.0010000000000000002]);
  });
  it('is chosen by the schedule spec, and rejects bad milestones', () => {
    expect(lrSchedule(0.1, { type: 'multistep', milestones: [2], gamma: 0.5 }).lrAt(2)).toBe(0.05);
    expect(lrSchedule(0.1, { type: 'step', stepSize: 2, gamma: 0.5 })).toBeInstanceOf(StepLR);
    expect(() => new MultiStepLR(0.1, [], 0.1)).toThrow(/milestones/);
    expect(() => new MultiStepLR(0.1, [0], 0.1)).toThrow(/milestones/);
  });
});

describe('SGD options', () => {
  it('rejects bad hyperparameters with clear messages', () => {
    expect(() => validateSgd({ lr: 0 })).toThrow(/learning rate/);
    expect(() => validateSgd({ lr: 0.1, momentum: -1 })).toThrow(/momentum/);
    expect(() => validateSgd({ lr: 0.1, weightDecay: -1 })).toThrow(/weight decay/);
    expect(() => validateSgd({ lr: 0.1, nesterov: true })).toThrow(/Nesterov/);
  });
});

describe('state-dict files', () => {
  it('round-trips and validates shapes', () => {
    const sd = { 'fc.weight': { shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) } };
    const back = stateDictFromJson(stateDictToJson(sd));
    expect(Array.from(back['fc.weight'].data)).toEqual([1, 2, 3, 4]);
    expect(() => stateDictFromJson('{"a": {"shape": [3], "data": [1]}}')).toThrow(/holds 3 values/);
    expect(() => stateDictFromJson('nope')).toThrow(/not valid JSON/);
  });
});
