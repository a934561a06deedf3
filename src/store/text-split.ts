import type { OutputChunk } from '../domain/job.js';
import { MAX_OUTPUT_CHUNK_CHARS } from './limits.js';

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Cuts text into pieces of at most `maxUnits` UTF-16 code units. A cut never falls inside a
 * surrogate pair, because a lone surrogate is not valid Unicode and would be mangled by SQLite's
 * UTF-8 conversion or rejected by Azure. Empty text gives one empty piece.
 */
export function splitText(text: string, maxUnits: number): string[] {
  if (maxUnits < 2) throw new RangeError('splitText needs room for at least one surrogate pair.');
  const pieces: string[] = [];
  let start = 0;
  while (text.length - start > maxUnits) {
    let end = start + maxUnits;
    if (isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
    pieces.push(text.slice(start, end));
    start = end;
  }
  pieces.push(text.slice(start));
  return pieces;
}

export type NewOutputChunk = Omit<OutputChunk, 'jobId' | 'seq'>;

/** Splits chunks longer than MAX_OUTPUT_CHUNK_CHARS into consecutive chunks of the same stream. */
export function limitChunkSize(chunks: readonly NewOutputChunk[]): NewOutputChunk[] {
  return chunks.flatMap((chunk) =>
    chunk.text.length <= MAX_OUTPUT_CHUNK_CHARS
      ? [chunk]
      : splitText(chunk.text, MAX_OUTPUT_CHUNK_CHARS).map((text) => ({ ...chunk, text })),
  );
}
