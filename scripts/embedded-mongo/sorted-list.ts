/**
 * An ordered list kept as a list of sorted chunks: inserts and deletes cost a binary search
 * plus a splice in one chunk of at most a few thousand entries, even with 100k+ entries.
 */
const MAX_CHUNK = 2048

export interface Position {
  c: number
  i: number
}

/** `probe(e)` < 0 when e sorts before the point being searched, 0 at it, > 0 after it. */
export type Probe<T> = (e: T) => number

export class SortedList<T> {
  private chunks: T[][] = []
  private count = 0

  constructor(private readonly cmp: (a: T, b: T) => number) {}

  get size(): number {
    return this.count
  }

  /** Build from unsorted entries in one sort. */
  load(entries: T[]): void {
    entries.sort(this.cmp)
    this.chunks = []
    for (let i = 0; i < entries.length; i += MAX_CHUNK / 2) this.chunks.push(entries.slice(i, i + MAX_CHUNK / 2))
    this.count = entries.length
  }

  insert(e: T): void {
    this.count++
    if (this.chunks.length === 0) {
      this.chunks.push([e])
      return
    }
    const lastChunk = this.chunks[this.chunks.length - 1]!
    if (this.cmp(lastChunk[lastChunk.length - 1]!, e) < 0) {
      // appending in key order (ObjectIds, timestamps, counters) is the common case
      lastChunk.push(e)
      if (lastChunk.length > MAX_CHUNK) this.chunks.splice(this.chunks.length - 1, 1, lastChunk.slice(0, lastChunk.length >> 1), lastChunk.slice(lastChunk.length >> 1))
      return
    }
    const probe: Probe<T> = (x) => this.cmp(x, e)
    let c = this.chunkIndex(probe, false)
    if (c === this.chunks.length) c--
    const chunk = this.chunks[c]!
    const i = lowerIndex(chunk, probe, false)
    chunk.splice(i, 0, e)
    if (chunk.length > MAX_CHUNK) this.chunks.splice(c, 1, chunk.slice(0, chunk.length >> 1), chunk.slice(chunk.length >> 1))
  }

  delete(e: T): boolean {
    const probe: Probe<T> = (x) => this.cmp(x, e)
    const pos = this.lowerBound(probe)
    const chunk = this.chunks[pos.c]
    if (!chunk || pos.i >= chunk.length || this.cmp(chunk[pos.i]!, e) !== 0) return false
    chunk.splice(pos.i, 1)
    if (chunk.length === 0) this.chunks.splice(pos.c, 1)
    this.count--
    return true
  }

  /** First position whose entry is at or after the probe point. */
  lowerBound(probe: Probe<T>): Position {
    return this.bound(probe, false)
  }

  /** First position whose entry is strictly after the probe point. */
  upperBound(probe: Probe<T>): Position {
    return this.bound(probe, true)
  }

  get start(): Position {
    return { c: 0, i: 0 }
  }

  get end(): Position {
    return { c: this.chunks.length, i: 0 }
  }

  /** Number of entries before a position. */
  rank(pos: Position): number {
    if (pos.c >= this.chunks.length) return this.count
    let n = 0
    for (let c = 0; c < pos.c; c++) n += this.chunks[c]!.length
    return n + pos.i
  }

  /** Entries from `from` (inclusive) to `to` (exclusive), in order or in reverse. */
  *range(from: Position, to: Position, reverse = false): Generator<T> {
    const chunks = this.chunks
    if (!reverse) {
      let { c, i } = from
      while (c < chunks.length && (c < to.c || (c === to.c && i < to.i))) {
        const chunk = chunks[c]!
        const stop = c === to.c ? to.i : chunk.length
        for (; i < stop; i++) yield chunk[i]!
        c++
        i = 0
      }
      return
    }
    let c = to.c
    let i = to.i - 1
    if (i < 0) {
      c--
      i = c >= 0 && c < chunks.length ? chunks[c]!.length - 1 : -1
    }
    while (c >= 0 && (c > from.c || (c === from.c && i >= from.i))) {
      const chunk = chunks[c]!
      const stop = c === from.c ? from.i : 0
      for (; i >= stop; i--) yield chunk[i]!
      c--
      i = c >= 0 ? chunks[c]!.length - 1 : -1
    }
  }

  private bound(probe: Probe<T>, strict: boolean): Position {
    const c = this.chunkIndex(probe, strict)
    if (c === this.chunks.length) return this.end
    return { c, i: lowerIndex(this.chunks[c]!, probe, strict) }
  }

  /** The first chunk whose last entry is at/after (strict: after) the probe point. */
  private chunkIndex(probe: Probe<T>, strict: boolean): number {
    let lo = 0
    let hi = this.chunks.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      const chunk = this.chunks[mid]!
      const r = probe(chunk[chunk.length - 1]!)
      if (strict ? r <= 0 : r < 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

function lowerIndex<T>(chunk: T[], probe: Probe<T>, strict: boolean): number {
  let lo = 0
  let hi = chunk.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    const r = probe(chunk[mid]!)
    if (strict ? r <= 0 : r < 0) lo = mid + 1
    else hi = mid
  }
  return lo
}
