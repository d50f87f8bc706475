/** A cli-progress bar for the data-set download (MB received of total). */
import cliProgress from 'cli-progress';
import type { DownloadProgress } from '../data/index.ts';

export function downloadBar(stream: NodeJS.WriteStream = process.stderr): { onProgress: (p: DownloadProgress) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar({ stream, format: 'CIFAR-10 download |{bar}| {value}/{total} MB {percentage}% | ETA {eta_formatted}', hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  let lastMb = -1;
  return {
    onProgress(p) {
      const mb = Math.floor(p.received / 1e6);
      if (!started) {
        bar.start(p.total ? Math.ceil(p.total / 1e6) : 0, 0);
        started = true;
      }
      if (mb !== lastMb) bar.update(mb);
      lastMb = mb;
    },
    stop: () => started && bar.stop(),
  };
}
