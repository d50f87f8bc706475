/**
 * A browser study kept in IndexedDB so it survives a reload: the study's settings, and per run
 * the state of its last finished epoch with that run's files as they were then (CSV rows up to
 * it, status). An epoch is committed in one transaction — state and files together — so the rule
 * is the CLI's resume rule: the committed state's epoch is the truth, and training continues after
 * it with the files of exactly the epochs up to it.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { StudyFiles } from './study-folder.ts';

/** What the page records about a study (its settings are the Train form's, kept as given). */
export interface StoredStudy {
  id: string;
  /** The study's name (its folder name in a download). */
  name: string;
  /** The Train form's settings, as JSON. */
  config: unknown;
  createdAt: string;
  updatedAt: string;
  /** running: may be resumed; done / stopped: kept for download. */
  status: 'running' | 'done' | 'stopped';
}

/** A run's last committed epoch: its state bytes (the `_state.bin` format) and its files at that epoch. */
export interface RunCheckpoint {
  study: string;
  run: string;
  epoch: number;
  state: Uint8Array;
}

interface FileRecord { study: string; path: string; data: Uint8Array | string }

interface TrainDb extends DBSchema {
  studies: { key: string; value: StoredStudy };
  runs: { key: [string, string]; value: RunCheckpoint; indexes: { study: string } };
  files: { key: [string, string]; value: FileRecord; indexes: { study: string } };
}

export const DB_NAME = 'losslab-train';

export class StudyStore {
  private constructor(private readonly db: IDBPDatabase<TrainDb>) {}

  static async open(name = DB_NAME): Promise<StudyStore> {
    const db = await openDB<TrainDb>(name, 1, {
      upgrade(d) {
        d.createObjectStore('studies', { keyPath: 'id' });
        d.createObjectStore('runs', { keyPath: ['study', 'run'] }).createIndex('study', 'study');
        d.createObjectStore('files', { keyPath: ['study', 'path'] }).createIndex('study', 'study');
      },
    });
    return new StudyStore(db);
  }

  close(): void {
    this.db.close();
  }

  async putStudy(s: StoredStudy): Promise<void> {
    await this.db.put('studies', s);
  }

  async studies(): Promise<StoredStudy[]> {
    return (await this.db.getAll('studies')).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async study(id: string): Promise<StoredStudy | undefined> {
    return this.db.get('studies', id);
  }

  /**
   * Commits one finished epoch of a run: its state and the files it rewrote (the run's CSV, status,
   * and at its end final.json and saliency), plus study-level files (study.json), in one transaction.
   * Either all of it is stored or none (a reload mid-commit finds the previous epoch).
   */
  async commitEpoch(c: RunCheckpoint, files: StudyFiles): Promise<void> {
    const tx = this.db.transaction(['studies', 'runs', 'files'], 'readwrite');
    try {
      const study = await tx.objectStore('studies').get(c.study);
      if (!study) throw new Error(`no stored study ${c.study}`);
      await tx.objectStore('runs').put(c);
      for (const [path, data] of files) await tx.objectStore('files').put({ study: c.study, path, data });
      await tx.objectStore('studies').put({ ...study, updatedAt: new Date().toISOString() });
      await tx.done;
    } catch (e) {
      try { tx.abort(); } catch { /* already ended */ }
      await tx.done.catch(() => undefined);
      throw e;
    }
  }

  /** Files written outside an epoch (study.json at the start, summary at the end). */
  async putFiles(study: string, files: StudyFiles): Promise<void> {
    const tx = this.db.transaction('files', 'readwrite');
    for (const [path, data] of files) void tx.store.put({ study, path, data });
    await tx.done;
  }

  /** Each run's last committed epoch and state, by run id. */
  async checkpoints(study: string): Promise<Map<string, RunCheckpoint>> {
    const all = await this.db.getAllFromIndex('runs', 'study', study);
    return new Map(all.map((c) => [c.run, c]));
  }

  /** The study's files (for the zip, the picked folder, the charts). */
  async files(study: string): Promise<Map<string, Uint8Array | string>> {
    const all = await this.db.getAllFromIndex('files', 'study', study);
    return new Map(all.sort((a, b) => a.path.localeCompare(b.path)).map((f) => [f.path, f.data]));
  }

  async deleteStudy(id: string): Promise<void> {
    const tx = this.db.transaction(['studies', 'runs', 'files'], 'readwrite');
    void tx.objectStore('studies').delete(id);
    for (const store of ['runs', 'files'] as const) {
      for (const key of await tx.objectStore(store).index('study').getAllKeys(id)) void tx.objectStore(store).delete(key);
    }
    await tx.done;
  }
}
