/**
 * The kernels' own test tables, read-only: the JSON table cases and the randomised cases checked
 * against float64 references (golden PyTorch cases need ../shared/golden and run in the kernels'
 * browser tests instead). `./testing` does not export cases.ts, hence the relative path.
 */
export { tableCases, randomCases } from '../../../kernels/test/cases.ts';
