/** The app: picks the source, follows the hash route, loads the study (or studies), polls while one runs. */
import { lossLabels } from '../data/group.ts';
import { mergeStudies } from '../data/merge.ts';
import { isShown, selectionActive } from '../data/runfilter.ts';
import type { StudyData } from '../data/model.ts';
import { keepPicked, pickedSource, restorePicked } from '../source/files.ts';
import { httpSource, serverAvailable } from '../source/http.ts';
import { loadStudy, studyBriefs, type LoadOutcome, type StudyBrief } from '../source/load.ts';
import { memorySource, type ResultsSource } from '../source/source.ts';
import { defaultOptions, type PageContext } from './context.ts';
import { h, message } from './dom.ts';
import { keepFocus } from './focus.ts';
import { fileTag, header, pageHeading, problemsPanel } from './layout.ts';
import { curvesPage } from './pages/curves.ts';
import { homePage } from './pages/home.ts';
import { kernelsPage } from './pages/kernels.ts';
import { lossPage } from './pages/loss.ts';
import { openPanel } from './pages/open.ts';
import { overviewPage } from './pages/overview.ts';
import { saliencyPage } from './pages/saliency.ts';
import { summaryPage } from './pages/summary.ts';
import { trainPage } from './pages/train.ts';
import { parseRoute, routeHash, studyKey, type Route, type StudyRoute } from './route.ts';

interface Loaded {
  key: string;
  outcomes: LoadOutcome[];
  fingerprint: string;
}

/** A report's files, inlined by `losslab report` as JSON: { files: { path: text }, open: [study…], title }. */
function embeddedSource(): ResultsSource | null {
  const el = document.getElementById('losslab-embedded');
  if (!el?.textContent?.trim()) return null;
  const v = JSON.parse(el.textContent) as { files: Record<string, string>; open?: string[]; title?: string; page?: 'overview' | 'curves' | 'summary' };
  return { ...memorySource(new Map(Object.entries(v.files)), `report${v.title ? ` “${v.title}”` : ''} (a snapshot)`, v.open ?? null), startPage: v.page };
}

export class App {
  private source: ResultsSource | null = null;
  private studies: string[] | null = null;
  /** What each listed study is (name, status, runs), read from its study.json for the list. */
  private briefs = new Map<string, StudyBrief>();
  private loaded: Loaded | null = null;
  private readonly options = defaultOptions();
  private readonly pollMs: number;
  private busy = false;

  constructor(private readonly root: HTMLElement) {
    this.pollMs = Number(new URLSearchParams(location.search).get('poll')) || 2000;
  }

  async start(): Promise<void> {
    window.addEventListener('hashchange', () => void this.show());
    // Charts are drawn to the window's width: redraw when it changes (a phone turned, a window resized).
    let width = window.innerWidth;
    let timer: ReturnType<typeof setTimeout> | undefined;
    window.addEventListener('resize', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const changed = window.innerWidth !== width;
        width = window.innerWidth;
        if (changed && this.route.kind === 'study') void this.show(); // only study pages have charts (the kernel check is not restarted)
      }, 150);
    });
    window.addEventListener('unhandledrejection', (e) => { e.preventDefault(); this.fatal(e.reason); });
    this.source = embeddedSource();
    if (!this.source && (await serverAvailable())) this.source = httpSource();
    if (!this.source) {
      const kept = await restorePicked();
      if (kept) this.source = pickedSource(kept.texts, kept.name, true);
    }
    const open = await this.source?.openAtStart?.().catch(() => null);
    if (open?.length && parseRoute(location.hash).kind === 'home') location.replace(routeHash({ kind: 'study', studies: open, page: this.source?.startPage ?? 'overview' }));
    await this.show();
    if (this.source?.live) setInterval(() => void this.poll(), this.pollMs);
  }

  private get route(): Route {
    return parseRoute(location.hash);
  }

  private fatal(e: unknown): void {
    this.root.prepend(message('error', 'Something went wrong in the viewer:', ` ${(e as Error)?.message ?? String(e)}`));
  }

  private async open(texts: Map<string, string>, name: string): Promise<void> {
    await keepPicked(name, texts); // kept before it is shown: a reload right after finds it
    this.source = pickedSource(texts, name);
    this.studies = null;
    this.loaded = null;
    if (location.hash === '' || location.hash === '#/') void this.show();
    else location.hash = '#/';
  }

  private async load(route: StudyRoute): Promise<Loaded> {
    const outcomes = await Promise.all(route.studies.map((s) => loadStudy(this.source!, s)));
    return { key: studyKey(route), outcomes, fingerprint: JSON.stringify(outcomes) };
  }

  /** Loads what the route needs (if not loaded) and renders. */
  private async show(): Promise<void> {
    const route = this.route;
    try {
      if (this.source && route.kind === 'home' && !this.studies) this.studies = await this.source.listStudies();
      if (this.source && route.kind === 'home' && this.studies) this.briefs = await studyBriefs(this.source, this.studies);
      if (this.source && route.kind === 'home' && this.studies?.length === 1) {
        location.replace(routeHash({ kind: 'study', studies: [this.studies[0]], page: 'overview' }));
        return;
      }
      if (this.source && route.kind === 'study' && this.loaded?.key !== studyKey(route)) this.loaded = await this.load(route);
      keepFocus(this.root, () => this.draw(route));
    } catch (e) {
      this.root.replaceChildren(message('error', 'The results could not be loaded:', ` ${(e as Error).message}`));
    }
  }

  /** While a study runs (or is not readable yet), reloads it and re-renders when something changed. */
  private async poll(): Promise<void> {
    const route = this.route;
    if (this.busy || !this.source?.live) return;
    this.busy = true;
    try {
      if (route.kind === 'home') {
        const studies = await this.source.listStudies();
        if (JSON.stringify(studies) !== JSON.stringify(this.studies)) { this.studies = studies; await this.show(); }
      } else if (route.kind === 'study' && this.loaded?.key === studyKey(route)) {
        if (this.loaded.outcomes.every((o) => o.ok && o.data.study.status !== 'running')) return;
        const next = await this.load(route);
        const now = this.route;
        if (next.fingerprint !== this.loaded.fingerprint && now.kind === 'study' && studyKey(now) === next.key) {
          this.loaded = next;
          this.render(now);
        }
      }
    } catch {
      // The server may be restarting; the next poll tries again.
    } finally {
      this.busy = false;
    }
  }

  private render(route: Route): void {
    keepFocus(this.root, () => this.draw(route));
  }

  private frame(route: Route, sourceText: string, data: StudyData | undefined, labels: string[], live: boolean, ...body: (HTMLElement | null)[]): void {
    this.root.replaceChildren(header(route, sourceText, data, labels, live), h('main', {}, pageHeading(route, data), ...body));
  }

  private draw(route: Route): void {
    const sourceText = this.source?.description ?? 'no results opened';
    if (route.kind === 'kernels') return this.frame(route, sourceText, undefined, [], false, kernelsPage());
    if (route.kind === 'train') return this.frame(route, sourceText, undefined, [], false, trainPage());
    if (!this.source) {
      return this.frame(route, sourceText, undefined, [], false,
        message('info', 'Open a results folder.', location.protocol === 'file:'
          ? ' This page was opened from disk, so it cannot read results by itself: pick or drop a results folder below (a snapshot: no live updates; it is kept for the next visit). For live updates run `losslab view RESULTS_DIR` and open the address it prints.'
          : ' This page is not served by `losslab view`, so it cannot read results by itself: pick or drop a folder below (no live updates).'),
        openPanel((t, n) => void this.open(t, n)));
    }
    if (route.kind === 'home') {
      return this.frame(route, sourceText, undefined, [], false, homePage(this.studies ?? [], 'The results folder', this.source.live, this.briefs), openPanel((t, n) => void this.open(t, n)));
    }
    const failed = this.loaded!.outcomes.filter((o): o is Extract<LoadOutcome, { ok: false }> => !o.ok);
    if (failed.length) {
      return this.frame(route, sourceText, undefined, [], false, ...failed.map((f) =>
        message('error', `This study cannot be shown: ${f.file}`, h('p', { 'data-testid': 'load-error' }, f.message),
          this.source!.live ? h('p', {}, 'The page checks again every few seconds.') : null)));
    }
    const parts = this.loaded!.outcomes.map((o) => (o as Extract<LoadOutcome, { ok: true }>).data);
    const merged = parts.length > 1 ? mergeStudies(parts) : null;
    this.options.series = route.series ?? [];
    const all = merged ?? parts[0];
    const shown = all.runs.filter((r) => isShown(r, this.options.runs));
    // A filter or hidden run: the pages use the runs kept (a summary.json of all runs no longer applies).
    const data: StudyData = selectionActive(this.options.runs) ? { ...all, runs: shown, summary: undefined } : all;
    const labels = lossLabels(all.runs, (data.study.config.losses as string[] | undefined) ?? []);
    const live = Boolean(this.source.live) && data.study.status === 'running';
    const ctx: PageContext = { data, all, labels, options: this.options, comparison: merged?.comparison, tag: fileTag(data), update: () => this.render(this.route),
      setSeries: (series) => { location.hash = routeHash({ ...route, series }); } };
    let page: HTMLElement;
    try {
      page = route.page === 'curves' ? curvesPage(ctx)
        : route.page === 'summary' ? summaryPage(ctx)
          : route.page === 'saliency' ? saliencyPage(ctx)
            : route.page === 'loss' ? lossPage(ctx, route.label ?? '')
              : overviewPage(ctx);
    } catch (e) {
      page = message('error', 'This page could not be drawn:', ` ${(e as Error).message}`);
    }
    this.frame(route, sourceText, data, labels, live, problemsPanel(data.problems), page);
  }
}
