/** The app: picks the source, follows the hash route, loads the study, polls while it runs. */
import { lossLabels } from '../data/group.ts';
import type { StudyData } from '../data/model.ts';
import { httpSource, serverAvailable } from '../source/http.ts';
import { loadStudy, type LoadOutcome } from '../source/load.ts';
import type { ResultsSource } from '../source/source.ts';
import { defaultOptions, type PageContext } from './context.ts';
import { h, message } from './dom.ts';
import { header, problemsPanel } from './layout.ts';
import { curvesPage } from './pages/curves.ts';
import { homePage } from './pages/home.ts';
import { kernelsPage } from './pages/kernels.ts';
import { lossPage } from './pages/loss.ts';
import { openPanel } from './pages/open.ts';
import { overviewPage } from './pages/overview.ts';
import { saliencyPage } from './pages/saliency.ts';
import { summaryPage } from './pages/summary.ts';
import { parseRoute, routeHash, type Route } from './route.ts';

interface Loaded {
  path: string;
  outcome: LoadOutcome;
  fingerprint: string;
}

export class App {
  private source: ResultsSource | null = null;
  private studies: string[] | null = null;
  private loaded: Loaded | null = null;
  private readonly options = defaultOptions();
  private readonly pollMs: number;
  private busy = false;

  constructor(private readonly root: HTMLElement) {
    this.pollMs = Number(new URLSearchParams(location.search).get('poll')) || 2000;
  }

  async start(): Promise<void> {
    window.addEventListener('hashchange', () => void this.show());
    window.addEventListener('unhandledrejection', (e) => { e.preventDefault(); this.fatal(e.reason); });
    if (await serverAvailable()) this.source = httpSource();
    await this.show();
    setInterval(() => void this.poll(), this.pollMs);
  }

  private get route(): Route {
    return parseRoute(location.hash);
  }

  private fatal(e: unknown): void {
    this.root.prepend(message('error', 'Something went wrong in the viewer:', ` ${(e as Error)?.message ?? String(e)}`));
  }

  private open(source: ResultsSource): void {
    this.source = source;
    this.studies = null;
    this.loaded = null;
    if (location.hash === '' || location.hash === '#/') void this.show();
    else location.hash = '#/';
  }

  /** Loads what the route needs (if not loaded) and renders. */
  private async show(): Promise<void> {
    const route = this.route;
    try {
      if (this.source && route.kind === 'home' && !this.studies) this.studies = await this.source.listStudies();
      if (this.source && route.kind === 'home' && this.studies?.length === 1) {
        location.replace(routeHash({ kind: 'study', study: this.studies[0], page: 'overview' }));
        return;
      }
      if (this.source && route.kind === 'study' && this.loaded?.path !== route.study) {
        const outcome = await loadStudy(this.source, route.study);
        this.loaded = { path: route.study, outcome, fingerprint: JSON.stringify(outcome) };
      }
      this.render(route);
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
      } else if (route.kind === 'study' && this.loaded?.path === route.study) {
        const o = this.loaded.outcome;
        if (o.ok && o.data.study.status !== 'running') return;
        const outcome = await loadStudy(this.source, route.study);
        const fingerprint = JSON.stringify(outcome);
        if (fingerprint !== this.loaded.fingerprint && this.route.kind === 'study') {
          this.loaded = { path: route.study, outcome, fingerprint };
          this.render(this.route);
        }
      }
    } catch {
      // The server may be restarting; the next poll tries again.
    } finally {
      this.busy = false;
    }
  }

  private render(route: Route): void {
    const sourceText = this.source?.description ?? 'no results opened';
    if (route.kind === 'kernels') {
      this.root.replaceChildren(header(route, sourceText), h('main', {}, kernelsPage()));
      return;
    }
    if (!this.source) {
      this.root.replaceChildren(header(route, sourceText), h('main', {},
        message('info', 'Open a results folder.', ' This page is not served by `losslab view`, so it cannot read results by itself: pick or drop a folder below (no live updates).'),
        openPanel((s) => this.open(s))));
      return;
    }
    if (route.kind === 'home') {
      this.root.replaceChildren(header(route, sourceText), h('main', {}, homePage(this.studies ?? [], 'The results folder'), openPanel((s) => this.open(s))));
      return;
    }
    const outcome = this.loaded!.outcome;
    if (!outcome.ok) {
      this.root.replaceChildren(header(route, sourceText), h('main', {},
        message('error', `This study cannot be shown: ${outcome.file}`, h('p', { 'data-testid': 'load-error' }, outcome.message),
          this.source.live ? h('p', {}, 'The page checks again every few seconds.') : null)));
      return;
    }
    this.root.replaceChildren(...this.studyPage(route as Extract<Route, { kind: 'study' }>, outcome.data, sourceText));
  }

  private studyPage(route: Extract<Route, { kind: 'study' }>, data: StudyData, sourceText: string): HTMLElement[] {
    const labels = lossLabels(data.runs, (data.study.config.losses as string[] | undefined) ?? []);
    const live = Boolean(this.source?.live) && data.study.status === 'running';
    const ctx: PageContext = { data, labels, options: this.options, update: () => this.render(this.route) };
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
    return [header(route, sourceText, data, labels, live), h('main', {}, problemsPanel(data.problems), page)];
  }
}
