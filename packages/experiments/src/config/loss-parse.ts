/** A loss name or definition as the study stores it (Node-free: the browser's Train page parses with it too). */
import { LossDefinitionError, parseLoss as parseDefinedLoss, type LossDefinition, type LossSpec } from '@losslab/kernels';
import { UsageError } from '../util/errors.ts';

export interface ParsedLoss {
  /** Canonical name: 'focal:0.5', 'sce', 'mypoly'. */
  name: string;
  label: string;
  /** What a study stores and runs are given: the canonical name, or a user's full definition line. */
  source: string;
  spec: LossSpec;
}

export function parseLoss(input: string, definitions: readonly LossDefinition[] = []): ParsedLoss {
  try {
    const spec = parseDefinedLoss(input, { definitions });
    return { name: spec.name, label: spec.label, source: spec.source, spec };
  } catch (e) {
    if (e instanceof LossDefinitionError) throw new UsageError(e.message.startsWith('loss ') || e.message.startsWith('unknown loss') ? e.message : `loss '${input.trim()}': ${e.message}`);
    throw e;
  }
}

export function lossLabel(name: string): string {
  return parseLoss(name).label;
}
