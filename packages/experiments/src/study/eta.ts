/** ETA for the whole selection: mean wall time of the epochs done so far × epochs left. */
export class EtaClock {
  private done = 0;
  private seconds = 0;
  constructor(private remaining: number) {}

  /** An epoch finished after `seconds` of wall time. */
  epochDone(seconds: number): void {
    this.done++;
    this.seconds += seconds;
    this.remaining = Math.max(0, this.remaining - 1);
  }

  /** Epochs that will not run (a run diverged or failed early). */
  skip(epochs: number): void {
    this.remaining = Math.max(0, this.remaining - epochs);
  }

  /** Epochs skipped earlier that will run after all (a cell claimed on a second try). */
  restore(epochs: number): void {
    this.remaining += epochs;
  }

  /** Seconds left, counting `fraction` of the current epoch as done; null before the first epoch. */
  eta(fraction = 0): number | null {
    if (this.done === 0) return null;
    return (this.seconds / this.done) * Math.max(0, this.remaining - fraction);
  }
}
