// Every op module; importing one registers its runner.
export * from './relu.ts';
export * from './sgd.ts'; export * from './metrics.ts'; export * from './augment.ts';
export * from './conv2d_plan.ts'; export * from './conv2d.ts'; export * from './conv2d_op.ts'; export * from './conv2d_relu_pool.ts'; export * from './conv2d_relu_pool_op.ts'; export * from './conv2d_relu_pool_backward_input.ts'; export * from './maxpool2d.ts'; export * from './maxpool2d_op.ts';
export * from './matmul.ts'; export * from './loss.ts'; export * from './head.ts';
export * from './batchnorm2d.ts'; export * from './batchnorm2d_op.ts'; export * from './residual_add.ts'; export * from './global_avg_pool.ts';
