/**
 * Train: a study trained on this browser's WebGPU device. The data come from `losslab view`'s
 * server or a file the user picks (nothing is uploaded); the settings are the CLI's; the adapter's
 * limits are checked before anything starts; progress, ETA and the curves update live; every
 * finished epoch is kept in IndexedDB, so a reload resumes from the last one; the results are a
 * study folder, downloaded as a zip or written into a picked folder.
 */
import { lossCurves, bandCaption } from '../../data/bands.ts';
import { parseResultsCsv } from '../../data/csv.ts';
import type { EpochRow } from '../../format/types.ts';
import { metricInfo, metricRange } from '../../format/metrics.ts';
import { trainBackend, type ResultsRow, type RunRef, type TrainBackend, type TrainHandle } from '../../train/backend.ts';
import { ARCHS, DATA_VARIANTS, defaultForm, trainConfig, type TrainConfig, type TrainForm } from '../../train/config.ts';
import { BROWSER_DATASETS, cifar10FromTarGz, fashionMnistFromFiles, pickedKind, type BrowserDatasetName, type Dataset } from '../../train/data/datasets.ts';
import { fetchServedDataset, servedDatasets } from '../../train/data/served.ts';
import { checkWebGpu, limitsProblem, type AdapterCheck } from '../../train/gpu.ts';
import { StudyStore, type RunCheckpoint, type StoredStudy } from '../../train/save/store.ts';
import { canWriteFolders, pickFolder, writeStudyFolder, zipStudy } from '../../train/save/study-folder.ts';
import { curveChart } from '../charts/curves.ts';
import { chartCard } from '../card.ts';
import { h, message } from '../dom.ts';
import { download } from '../export.ts';
import { chartWidth } from './curves.ts';

/** Seconds as '1 min 05 s'. */
export function duration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '–';
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${String(Math.round(s % 60)).padStart(2, '0')} s` : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** The page's test seam: Playwright tests may put a labelled placeholder backend here, which then replaces the real one. */
const testBackend = (): TrainBackend | null => (globalThis as { __LOSSLAB_TEST_BACKEND__?: TrainBackend }).__LOSSLAB_TEST_BACKEND__ ?? null;

interface RunProgress { ref: RunRef; rows: EpochRow[]; status: string }

/** The run's rows as its results CSV has them (what `losslab view` would draw), else the event's row. */
function rowsAfter(e: { epoch: number; row: ResultsRow; files: ReadonlyMap<string, Uint8Array | string> }, before: EpochRow[]): EpochRow[] {
  for (const [path, v] of e.files) {
    if (!path.endsWith('_results.csv')) continue;
    const parsed = parseResultsCsv(typeof v === 'string' ? v : new TextDecoder().decode(v), path);
    if (parsed.ok) return parsed.value;
  }
  const row = Object.fromEntries(Object.entries(e.row).map(([k, v]) => [k, v ?? NaN])) as EpochRow;
  return [...before.filter((r) => r.epoch < e.epoch), { ...row, epoch: e.epoch }];
}

export function trainPage(): HTMLElement {
  const backend = testBackend() ?? trainBackend();
  const form: TrainForm = defaultForm();
  let data: Dataset | null = null;
  let gpu: AdapterCheck | null = null;
  let handle: TrainHandle | null = null;
  let study: StoredStudy | null = null;
  let config: TrainConfig | null = null;
  let store: StudyStore | null = null;
  const runs = new Map<string, RunProgress>();
  let served = new Set<string>();
  let pausedNote = '';

  const gpuBox = h('div', { 'data-testid': 'train-gpu' }, h('p', { class: 'note' }, 'Looking for a WebGPU adapter…'));
  const dataStatus = h('p', { class: 'note', 'data-testid': 'train-data-status' }, 'No data set loaded yet.');
  const problemsBox = h('div', { 'data-testid': 'train-problems' });
  const progressText = h('p', { 'data-testid': 'train-progress' }, 'Not started.');
  const studyLine = h('p', { class: 'note', 'data-testid': 'train-study' });
  const bar = h('progress', { max: 1, value: 0, 'aria-label': 'study progress' });
  const charts = h('div', { class: 'grid', 'data-testid': 'train-charts' });
  const resumeBox = h('div', { 'data-testid': 'train-stored' });

  const field = (label: string, key: keyof TrainForm, input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string) => {
    input.value = String(form[key]);
    input.name = key;
    input.addEventListener('input', () => { (form as unknown as Record<string, string>)[key] = input.value; });
    input.addEventListener('change', () => { (form as unknown as Record<string, string>)[key] = input.value; });
    return h('label', { class: 'field' }, h('span', {}, label), input, hint ? h('small', { class: 'note' }, hint) : null);
  };
  const text = (attrs: Record<string, string> = {}) => h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', ...attrs });
  const select = (options: string[], labels: Record<string, string> = {}) => h('select', {}, options.map((o) => h('option', { value: o }, labels[o] ?? o)));

  const datasetSelect = select(Object.keys(BROWSER_DATASETS), Object.fromEntries(Object.entries(BROWSER_DATASETS).map(([k, s]) => [k, s.title])));
  const fileInput = h('input', { type: 'file', multiple: true, accept: '.tar.gz,.tgz,.gz,application/gzip', 'data-testid': 'train-file', 'aria-label': 'Pick the data set file(s)' });
  const serverButton = h('button', { type: 'button', 'data-testid': 'train-use-server', hidden: true }, 'Use the server\'s copy');

  const startButton = h('button', { type: 'button', class: 'primary', 'data-testid': 'train-start' }, 'Start');
  const pauseButton = h('button', { type: 'button', 'data-testid': 'train-pause', disabled: true }, 'Pause');
  const resumeButton = h('button', { type: 'button', 'data-testid': 'train-resume', disabled: true }, 'Resume');
  const stopButton = h('button', { type: 'button', 'data-testid': 'train-stop', disabled: true }, 'Stop');
  const zipButton = h('button', { type: 'button', 'data-testid': 'train-zip', disabled: true }, 'Download the study folder (.zip)');
  const folderButton = h('button', { type: 'button', 'data-testid': 'train-folder', disabled: true, hidden: !canWriteFolders() }, 'Write it into a folder…');

  const setButtons = (state: 'idle' | 'running' | 'paused') => {
    startButton.disabled = state !== 'idle' || !backend;
    pauseButton.disabled = state !== 'running';
    resumeButton.disabled = state !== 'paused';
    stopButton.disabled = state === 'idle';
  };

  const showProblems = (problems: string[]) => {
    problemsBox.replaceChildren(problems.length ? message('error', problems.length === 1 ? 'Cannot start:' : `Cannot start (${problems.length} problems):`, h('ul', {}, problems.map((p) => h('li', {}, p)))) : '');
  };

  const drawCharts = () => {
    if (!config) return;
    const labels = [...new Set([...runs.values()].map((r) => r.ref.label))];
    const cards: HTMLElement[] = [];
    for (const key of ['test_acc', 'train_loss'] as const) {
      const m = metricInfo(key);
      const band = labels.flatMap((label) => lossCurves({
        loss: label, label,
        runs: [...runs.values()].filter((r) => r.ref.label === label).map((r) => ({
          run: { seed: r.ref.seed } as never,
          rows: r.rows,
        })),
      }, key, { range: metricRange(m) }).band);
      if (!band.length) continue;
      const chart = curveChart({ metric: m, labels, band, seeds: [], showSeeds: false, log: false, totalEpochs: config.epochs, width: chartWidth(), caption: `${bandCaption(band, labels)}.` });
      cards.push(chartCard(m.title, `train-${key}`, chart, { testId: `train-chart-${key}` }));
    }
    charts.replaceChildren(...cards);
  };

  const studyFiles = async () => (store && study ? store.files(study.id) : new Map<string, Uint8Array | string>());
  zipButton.addEventListener('click', () => void (async () => {
    if (!study) return;
    const files = await studyFiles();
    download(`${study.name}.zip`, new Blob([zipStudy(files, study.name) as BlobPart], { type: 'application/zip' }));
  })());
  folderButton.addEventListener('click', () => void (async () => {
    if (!study) return;
    const dir = await pickFolder();
    if (dir) await writeStudyFolder(dir, study.name, await studyFiles());
  })());

  const loadData = async (name: BrowserDatasetName, files: File[] | null): Promise<Dataset> => {
    const progress = (p: { bytes: number; total: number | null }) => {
      dataStatus.textContent = `Unpacking and checking ${files?.[0]?.name ?? name}: ${(p.bytes / 2 ** 20).toFixed(0)}${p.total ? ` of ${(p.total / 2 ** 20).toFixed(0)}` : ''} MiB…`;
    };
    if (!files) return fetchServedDataset(name, '', (f, i, n) => { dataStatus.textContent = `Fetching ${f} from the server (${i + 1} of ${n})…`; });
    const kind = pickedKind(files.map((f) => f.name));
    if (kind !== name) throw new Error(`${files.map((f) => f.name).join(', ')}: expected ${name === 'cifar10' ? 'the original cifar-10-binary.tar.gz' : 'the four Fashion-MNIST IDX files (train-images-idx3-ubyte.gz, …)'}`);
    if (name === 'cifar10') return cifar10FromTarGz(files[0], files[0].name, { onProgress: progress });
    return fashionMnistFromFiles(new Map(files.map((f) => [f.name, f])), undefined, 'picked files');
  };

  const useData = (p: Promise<Dataset>) => {
    dataStatus.textContent = 'Reading…';
    delete dataStatus.dataset.ready;
    void p.then((d) => {
      data = d;
      dataStatus.textContent = `${d.spec.title}: ${d.train.labels.length.toLocaleString('en-US')} training and ${d.test.labels.length.toLocaleString('en-US')} test images, checked (${d.dir}).`;
      dataStatus.dataset.ready = d.spec.name;
    }, (e: Error) => {
      data = null;
      dataStatus.replaceChildren(message('error', 'The data set could not be read:', ` ${e.message}`));
    });
  };
  fileInput.addEventListener('change', () => { if (fileInput.files?.length) useData(loadData(form.dataset as BrowserDatasetName, Array.from(fileInput.files))); });
  serverButton.addEventListener('click', () => useData(loadData(form.dataset as BrowserDatasetName, null)));
  const showServer = () => { serverButton.hidden = !served.has(form.dataset); };
  datasetSelect.addEventListener('change', () => { data = null; dataStatus.textContent = 'No data set loaded yet.'; showServer(); });

  const start = async (resumeStudy?: StoredStudy) => {
    if (!backend) return;
    const parsed = resumeStudy ? { config: resumeStudy.config as TrainConfig } : trainConfig(form);
    if ('problems' in parsed) return showProblems(parsed.problems);
    const c = parsed.config;
    const problems: string[] = [];
    if (!gpu?.ok) problems.push(gpu?.message ?? 'No WebGPU adapter yet.');
    if (!data || data.spec.name !== c.dataset[0]) problems.push(`Data: load ${BROWSER_DATASETS[c.dataset[0] as BrowserDatasetName].title} first (the server's copy, or pick the file).`);
    if (gpu?.ok) {
      const limit = limitsProblem(gpu.limits, c, BROWSER_DATASETS[c.dataset[0] as BrowserDatasetName]);
      if (limit) problems.push(limit);
    }
    showProblems(problems);
    if (problems.length) return;
    config = c;
    store ??= await StudyStore.open();
    const now = new Date().toISOString();
    study = resumeStudy ?? { id: `${c.name}-${now}`, name: c.name, config: c, createdAt: now, updatedAt: now, status: 'running' };
    await store.putStudy(study);
    const stored = resumeStudy ? await store.files(study.id) : new Map<string, Uint8Array | string>();
    const points = new Map([...(resumeStudy ? await store.checkpoints(study.id) : new Map<string, RunCheckpoint>())].map(([id, c]) => [id, { ...c, files: stored }]));
    runs.clear();
    for (const ref of backend.runs(c)) runs.set(ref.id, { ref, rows: [], status: 'pending' });
    studyLine.textContent = `Study “${c.name}”${resumeStudy ? ' (continued)' : ''}: ${c.dataset[0]}, losses ${c.losses.join(', ')}; seeds ${c.seeds.join(', ')}; ${c.epochs} epochs, batch ${c.batchSize}, lr ${c.lr}, ${c.data[0]} data, ${c.arch[0]}${c.trainSubset ? `, ${c.trainSubset} training images` : ''}.`;
    const total = runs.size * c.epochs;
    let doneEpochs = [...points.values()].reduce((s, p) => s + p.epoch, 0);
    const t0 = performance.now();
    const startEpochs = doneEpochs;
    const eta = (fraction: number) => {
      const did = fraction - startEpochs;
      return did > 0 ? ((performance.now() - t0) / 1000) * (total - fraction) / did : NaN;
    };
    setButtons('running');
    bar.max = total;
    const s = study;
    handle = backend.start(c, data!, {
      onStep: (e) => {
        const at = doneEpochs + e.step / e.steps;
        bar.value = at;
        progressText.textContent = `${e.run.label}, seed ${e.run.seed}: epoch ${e.epoch} of ${c.epochs}, step ${e.step} of ${e.steps} · ${(100 * at / total).toFixed(0)}% of the study · ETA ${duration(eta(at))} · on ${gpu?.ok ? gpu.name : '?'} (${backend.describe()})${pausedNote}`;
      },
      onEpoch: async (e) => {
        doneEpochs++;
        bar.value = doneEpochs; // runs in lockstep report their steps once for the whole group
        const r = runs.get(e.run.id);
        if (r) r.rows = rowsAfter(e, r.rows);
        await store!.commitEpoch({ study: s.id, run: e.run.id, epoch: e.epoch, state: e.state }, e.files);
        zipButton.disabled = false;
        folderButton.disabled = false;
        drawCharts();
      },
      onRunEnd: (e) => { const r = runs.get(e.run.id); if (r) r.status = e.status; },
    }, points);
    handle.done.then(async () => {
      const finished = [...runs.values()].every((r) => r.status === 'done' || r.status === 'diverged' || r.status === 'failed');
      s.status = finished ? 'done' : 'stopped';
      await store!.putStudy(s);
      if (finished) bar.value = total;
      progressText.textContent = finished ? `Done: ${runs.size} runs in ${duration((performance.now() - t0) / 1000)}.` : 'Stopped after the last finished epoch; it resumes from there.';
      progressText.dataset.state = s.status;
      pausedNote = '';
      setButtons('idle');
      handle = null;
      await showStored().catch(() => undefined);
    }, (e: Error) => {
      progressText.replaceChildren(message('error', 'Training failed:', ` ${e.message}`));
      setButtons('idle');
      handle = null;
    });
  };

  startButton.addEventListener('click', () => void start());
  pauseButton.addEventListener('click', () => { handle?.pause(); setButtons('paused'); pausedNote = ' — paused'; progressText.append(pausedNote); });
  resumeButton.addEventListener('click', () => { pausedNote = ''; handle?.resume(); setButtons('running'); });
  stopButton.addEventListener('click', () => { stopButton.disabled = true; pausedNote = ' — stopping after this epoch…'; progressText.append(pausedNote); handle?.resume(); void handle?.stop(); });
  setButtons('idle');

  const showStored = async () => {
    store ??= await StudyStore.open();
    const open = (await store.studies()).filter((x) => x.status !== 'done');
    resumeBox.replaceChildren(...open.slice(0, 3).map((x) => h('p', {},
      `Study “${x.name}” (started ${x.createdAt.slice(0, 16).replace('T', ' ')}) was not finished. `,
      h('button', { type: 'button', class: 'small', 'data-testid': 'train-continue', onclick: () => void start(x) }, 'Continue it'),
      ' (load its data first)')));
  };

  void (async () => {
    gpu = await checkWebGpu();
    gpuBox.replaceChildren(gpu.ok
      ? h('p', {}, 'Adapter: ', h('strong', { 'data-testid': 'train-adapter' }, gpu.name), ` — binds up to ${(Math.min(gpu.limits.maxStorageBufferBindingSize, gpu.limits.maxBufferSize) / 2 ** 20).toFixed(0)} MiB per buffer.`)
      : message('error', gpu.message));
    served = await servedDatasets();
    showServer();
    await showStored().catch(() => undefined);
  })();

  let width = window.innerWidth;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onResize = () => {
    if (!charts.isConnected) return window.removeEventListener('resize', onResize);
    clearTimeout(timer);
    timer = setTimeout(() => { if (window.innerWidth !== width) { width = window.innerWidth; drawCharts(); } }, 150);
  };
  window.addEventListener('resize', onResize);

  const schedule = select(['step', 'none'], { step: 'StepLR (×gamma every step size epochs)', none: 'constant' });
  return h('div', { class: 'page train' },
    h('p', { class: 'note' }, 'Trains a study on this browser\'s own GPU through WebGPU, with the same kernels as the CLI. The data stay on this computer: nothing is uploaded. Every finished epoch is kept in this browser, so a reload resumes from it.'),
    backend ? null : message('warning', 'This build has no training loop connected, so it cannot train yet: run the study with the CLI (npx losslab run) and open its folder here.'),
    h('section', { class: 'card' }, h('header', {}, h('h2', {}, 'Device')), gpuBox),
    resumeBox,
    h('section', { class: 'card' }, h('header', {}, h('h2', {}, 'Data')),
      h('div', { class: 'form-grid' }, field('Data set', 'dataset', datasetSelect)),
      h('p', { class: 'note' }, 'CIFAR-10: pick the original cifar-10-binary.tar.gz (md5-checked). Fashion-MNIST: pick its four IDX files. '),
      h('div', { class: 'row' }, fileInput, serverButton), dataStatus),
    h('section', { class: 'card' }, h('header', {}, h('h2', {}, 'Study')),
      h('div', { class: 'form-grid' },
        field('Study name', 'name', text()),
        field('Losses', 'losses', text({ 'data-testid': 'train-losses' }), 'as --losses: ce, focal:2, gce:0.7, or your own by name'),
        field('Seeds', 'seeds', text(), '0, or 0-2'),
        field('Epochs', 'epochs', text({ inputmode: 'numeric' })),
        field('Batch size', 'batchSize', text({ inputmode: 'numeric' })),
        field('Learning rate', 'lr', text({ inputmode: 'decimal' })),
        field('Schedule', 'schedule', schedule),
        field('Step size (epochs)', 'stepSize', text({ inputmode: 'numeric' })),
        field('Gamma', 'gamma', text({ inputmode: 'decimal' })),
        field('Data variant', 'data', select(DATA_VARIANTS)),
        field('Architecture', 'arch', select(ARCHS)),
        field('Training images', 'trainSubset', text({ inputmode: 'numeric' }), 'empty: the whole training set')),
      field('Your losses (one name=expression per line, compiled by the loss compiler)', 'definitions',
        h('textarea', { rows: 2, spellcheck: 'false', placeholder: 'mypoly=ce + 2*(1-p[y])', 'data-testid': 'train-definitions' })),
      problemsBox,
      h('div', { class: 'row buttons' }, startButton, pauseButton, resumeButton, stopButton)),
    h('section', { class: 'card' }, h('header', {}, h('h2', {}, 'Progress')), studyLine, bar, progressText,
      h('div', { class: 'row buttons' }, zipButton, folderButton)),
    charts);
}

