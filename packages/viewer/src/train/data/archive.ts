/**
 * A .tar.gz read in the page: the file's bytes stream through an md5 (of the archive as it is
 * stored, the checksum data sets publish), the browser's DecompressionStream('gzip') and a
 * streaming tar decoder (modern-tar); the members asked for are kept whole, the rest skipped.
 * Nothing leaves the page. Problems are DataErrors naming the file.
 */
import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { DataError } from '@losslab/experiments/browser';
import { createTarDecoder } from 'modern-tar';

export interface ReadProgress {
  /** Compressed bytes read so far, and the archive's size when known. */
  bytes: number;
  total: number | null;
}

export interface TarGzContents {
  /** The members kept, by their name in the archive. */
  members: Map<string, Uint8Array>;
  /** Every regular file's name and size, in archive order. */
  listing: { name: string; size: number }[];
  /** md5 of the compressed bytes, hex. */
  md5: string;
  bytes: number;
}

/** Counts and hashes the bytes passing through. */
function hashing(onBytes: (n: number) => void) {
  const h = md5.create();
  let digest = '';
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, c) { h.update(chunk); onBytes(chunk.byteLength); c.enqueue(chunk); },
    flush() { digest = bytesToHex(h.digest()); },
  });
  return { stream, digest: () => digest };
}

async function readWhole(body: ReadableStream<Uint8Array>, size: number, file: string, member: string): Promise<Uint8Array> {
  const out = new Uint8Array(size);
  const reader = body.getReader();
  let at = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (at + value.byteLength > size) throw new DataError(`${file}: ${member}`, `${size} bytes as its tar header says`, 'more');
    out.set(value, at);
    at += value.byteLength;
  }
  if (at !== size) throw new DataError(`${file}: ${member}`, `${size.toLocaleString('en-US')} bytes as its tar header says`, `${at.toLocaleString('en-US')} bytes: the archive is cut short`);
  return out;
}

async function drain(body: ReadableStream<Uint8Array>): Promise<void> {
  const reader = body.getReader();
  while (!(await reader.read()).done) { /* skipped member */ }
}

/**
 * Reads a gzipped tar archive from `source`, keeping the regular files `keep` accepts. `file` names
 * the archive in errors (the picked file's name, or the URL).
 */
export async function readTarGz(source: ReadableStream<Uint8Array>, file: string, keep: (name: string) => boolean,
  opts: { total?: number | null; onProgress?: (p: ReadProgress) => void } = {}): Promise<TarGzContents> {
  let bytes = 0;
  const hash = hashing((n) => { bytes += n; opts.onProgress?.({ bytes, total: opts.total ?? null }); });
  const entries = source.pipeThrough(hash.stream).pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>)
    .pipeThrough(createTarDecoder({ strict: true }));
  const members = new Map<string, Uint8Array>();
  const listing: { name: string; size: number }[] = [];
  const reader = entries.getReader();
  try {
    for (;;) {
      const { done, value: entry } = await reader.read();
      if (done) break;
      const { name, size, type = 'file' } = entry.header;
      if (type !== 'file') { await drain(entry.body); continue; }
      listing.push({ name, size });
      if (keep(name)) members.set(name, await readWhole(entry.body, size, file, name));
      else await drain(entry.body);
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    const why = (e as Error).message ?? String(e);
    throw new DataError(file, 'a complete .tar.gz archive', `it cannot be unpacked (${why}): truncated, damaged or not a gzipped tar`);
  }
  return { members, listing, md5: hash.digest(), bytes };
}

/** The bytes of a gzip stream, decompressed by the browser; `file` names it in errors. */
export async function gunzip(source: ReadableStream<Uint8Array>, file: string): Promise<Uint8Array> {
  try {
    const out = await new Response(source.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>)).arrayBuffer();
    return new Uint8Array(out);
  } catch (e) {
    throw new DataError(file, 'a complete gzip file', `it does not decompress (${(e as Error).message}): truncated or damaged`);
  }
}
