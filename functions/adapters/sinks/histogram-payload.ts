import type { ExpBuckets, ExpHistogram } from '../../contracts';
import { downscale, emptyHistogram, MIN_SCALE } from '../../core/histogram/exp-histogram';

/**
 * A compact, lossless text form of an exponential histogram for one VARCHAR / string
 * field, and the downscaling that makes it fit Timestream's 2 KB record:
 *   `s<scale>|z<zeroCount>|p<offset>:<c>,<c>,…|n<offset>:<c>,…|c<count>|u<sum>|l<min>|h<max>`
 * Zero counts are written as empty strings (`3,,,5`); leading/trailing empty buckets
 * are trimmed by moving the offset. Downscaling by one merges bucket pairs
 * (index i → ⌊i/2⌋), exactly as OTLP defines it, so merges stay exact after it.
 */

function trim(b: ExpBuckets): ExpBuckets {
  let start = 0;
  let end = b.counts.length;
  while (start < end && b.counts[start] === 0) start++;
  while (end > start && b.counts[end - 1] === 0) end--;
  return { offset: start === end ? 0 : b.offset + start, counts: b.counts.slice(start, end) };
}

function encodeBuckets(tag: string, b: ExpBuckets): string {
  const t = trim(b);
  if (t.counts.length === 0) return '';
  return `|${tag}${t.offset}:${t.counts.map((c) => (c === 0 ? '' : String(c))).join(',')}`;
}

const num = (v: number | null): string => (v === null ? '' : String(v));

export function encodeHistogram(h: ExpHistogram): string {
  return (
    `s${h.scale}|z${h.zeroCount}${encodeBuckets('p', h.positive)}${encodeBuckets('n', h.negative)}` +
    `|c${h.count}|u${h.sum}|l${num(h.min)}|h${num(h.max)}`
  );
}

function parseBuckets(body: string): ExpBuckets {
  const colon = body.indexOf(':');
  const offset = Number(body.slice(0, colon));
  const counts = body
    .slice(colon + 1)
    .split(',')
    .map((c) => (c === '' ? 0 : Number(c)));
  return { offset, counts };
}

export function decodeHistogram(text: string): ExpHistogram {
  const h = emptyHistogram(0);
  for (const part of text.split('|')) {
    const tag = part[0];
    const body = part.slice(1);
    if (tag === 's') h.scale = Number(body);
    else if (tag === 'z') h.zeroCount = Number(body);
    else if (tag === 'p') h.positive = parseBuckets(body);
    else if (tag === 'n') h.negative = parseBuckets(body);
    else if (tag === 'c') h.count = Number(body);
    else if (tag === 'u') h.sum = Number(body);
    else if (tag === 'l') h.min = body === '' ? null : Number(body);
    else if (tag === 'h') h.max = body === '' ? null : Number(body);
    else throw new Error(`histogram payload: unknown part "${part}"`);
  }
  return h;
}

/** The same distribution at scale − by (coarser buckets, same counts), never below MIN_SCALE. */
export function downscaleHistogram(h: ExpHistogram, by: number): ExpHistogram {
  const step = Math.min(by, h.scale - MIN_SCALE);
  return step <= 0 ? h : downscale(h, h.scale - step);
}

/** The finest encoding of `h` that takes at most `maxBytes` UTF-8 bytes, or null when even
 * the coarsest scale does not fit. */
export function encodeHistogramWithin(
  h: ExpHistogram,
  maxBytes: number,
): { text: string; scale: number } | null {
  let cur = h;
  for (;;) {
    const text = encodeHistogram(cur);
    if (Buffer.byteLength(text) <= maxBytes) return { text, scale: cur.scale };
    if (cur.scale <= MIN_SCALE) return null;
    cur = downscaleHistogram(cur, 1);
  }
}
