// KernelContext.scope(): one training run's buffers are freed with the run, while the pipeline
// cache and the counters stay shared with the device's context.
import { describe, expect, it } from 'vitest';
import { testDevice } from './device.ts';
import { reluForward } from '../src/ops/relu.ts';

describe('KernelContext scope', () => {
  it('tracks what it allocates, shares pipelines and counters, and frees on destroy', async () => {
    const { ctx } = await testDevice();
    const scope = ctx.scope();
    expect(scope.ownedBuffers).toBe(0);

    const x = scope.upload(new Float32Array([-1, 2, -3, 4]), 'x');
    const y = scope.storage(16, 'y');
    scope.uniformRaw(new ArrayBuffer(12));
    expect(scope.ownedBuffers).toBe(3);
    expect(ctx.ownedBuffers).toBe(0); // the root context owns nothing

    const pipelinesBefore = ctx.pipelineCount;
    const submitsBefore = ctx.stats.submits;
    scope.run([reluForward(scope, { x, y, n: 4 })]);
    expect(scope.ownedBuffers).toBe(4); // the dispatch's uniform too
    expect(Array.from(await scope.readF32(y, 4))).toEqual([0, 2, 0, 4]);
    expect(scope.pipelineCount).toBe(ctx.pipelineCount);
    expect(ctx.pipelineCount).toBeGreaterThanOrEqual(pipelinesBefore);
    expect(ctx.stats.submits).toBe(submitsBefore + 1);

    const leftOver = ctx.storage(16, 'outside the scope');
    scope.destroy();
    expect(scope.ownedBuffers).toBe(0);
    // A destroyed buffer can no longer be mapped: the map is rejected with a validation error.
    const probe = scope.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ });
    scope.destroy();
    ctx.device.pushErrorScope('validation');
    await expect(probe.mapAsync(GPUMapMode.READ)).rejects.toThrow();
    expect((await ctx.device.popErrorScope())?.message).toMatch(/destroyed/);
    // Buffers of the device's context are untouched.
    expect((await ctx.readF32(leftOver, 4)).length).toBe(4);
    leftOver.destroy();
    expect(() => ctx.destroy()).toThrow(/scopes/);
  });
});
