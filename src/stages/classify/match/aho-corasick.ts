// One automaton over every term of every watch rule, topic rule and gazetteer alias, so a text is scanned once
// however many rules there are. Hand-written: it works on UTF-16 units of folded text and reports pattern ids with
// end offsets, which is what the boundary checks and offset maps around it need.

export class AhoCorasick {
  private readonly next: Array<Map<number, number>> = [new Map()];
  private readonly fail: number[] = [0];
  /** Pattern ids ending at each node (own only; dictionary links below add the rest). */
  private readonly own: number[][] = [[]];
  /** Nearest node on the fail chain that has own outputs, or -1. */
  private dictLink: Int32Array = new Int32Array(0);
  private readonly lengths: number[] = [];
  /** The root's transitions as a table by UTF-16 unit: most of a text is read from the root. */
  private rootTable: Int32Array = new Int32Array(0);
  private flat: FlatTrie | null = null;
  private built = false;

  /** Adds a pattern and returns its id (ids are dense, in order of addition). Empty patterns are refused. */
  add(pattern: string): number {
    if (this.built) throw new Error('AhoCorasick: add() after build()');
    if (pattern.length === 0) throw new Error('AhoCorasick: empty pattern');
    let node = 0;
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern.charCodeAt(i);
      let to = this.next[node]!.get(c);
      if (to === undefined) {
        to = this.next.length;
        this.next.push(new Map());
        this.fail.push(0);
        this.own.push([]);
        this.next[node]!.set(c, to);
      }
      node = to;
    }
    const id = this.lengths.length;
    this.lengths.push(pattern.length);
    this.own[node]!.push(id);
    return id;
  }

  patternLength(id: number): number {
    return this.lengths[id]!;
  }

  build(): this {
    const queue: number[] = [];
    this.dictLink = new Int32Array(this.next.length).fill(-1);
    for (const to of this.next[0]!.values()) queue.push(to);
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head]!;
      for (const [c, to] of this.next[node]!) {
        let f = this.fail[node]!;
        while (f !== 0 && !this.next[f]!.has(c)) f = this.fail[f]!;
        const target = this.next[f]!.get(c);
        this.fail[to] = target !== undefined && target !== to ? target : 0;
        const fl = this.fail[to]!;
        this.dictLink[to] = this.own[fl]!.length > 0 ? fl : this.dictLink[fl]!;
        queue.push(to);
      }
    }
    this.rootTable = new Int32Array(0x10000);
    for (const [c, to] of this.next[0]!) this.rootTable[c] = to;
    this.flat = flatten(this.next, this.own, this.fail, this.dictLink);
    this.built = true;
    return this;
  }

  /** Calls onMatch(patternId, start, end) for every occurrence of every pattern, in order of end offset. */
  search(text: string, onMatch: (id: number, start: number, end: number) => void): void {
    if (!this.built) throw new Error('AhoCorasick: search() before build()');
    const { edgeStart, edgeChar, edgeTo, fail, ownStart, ownIds, emits, asciiRow, asciiNext } = this.flat!;
    const { rootTable: root, dictLink, lengths } = this;
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const row = c < 128 ? asciiRow[node]! : -1;
      if (row >= 0) {
        node = asciiNext[row * 128 + c]!;
      } else {
        // Follow fail links until a node has an edge on c.
        while (node !== 0) {
          const to = edgeOn(edgeStart[node]!, edgeStart[node + 1]!, c, edgeChar, edgeTo);
          if (to !== 0) {
            node = to;
            break;
          }
          node = fail[node]!;
        }
        if (node === 0) node = root[c]!;
      }
      if (emits[node] === 0) continue;
      for (let out = node; out !== -1; out = dictLink[out]!) {
        for (let k = ownStart[out]!, end = ownStart[out + 1]!; k < end; k++) {
          const id = ownIds[k]!;
          onMatch(id, i + 1 - lengths[id]!, i + 1);
        }
      }
    }
  }
}

/** Target of the edge on c among edges [lo, hi), sorted by unit, or 0. Most nodes have a few edges: scanned. */
function edgeOn(lo: number, hi: number, c: number, edgeChar: Uint16Array, edgeTo: Int32Array): number {
  if (hi - lo <= 8) {
    for (let e = lo; e < hi; e++) if (edgeChar[e] === c) return edgeTo[e]!;
    return 0;
  }
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const m = edgeChar[mid]!;
    if (m === c) return edgeTo[mid]!;
    if (m < c) lo = mid + 1;
    else hi = mid;
  }
  return 0;
}

/** The trie in flat typed arrays for searching: per node, its edges (unit, target) and its own pattern ids. */
interface FlatTrie {
  edgeStart: Int32Array;
  edgeChar: Uint16Array;
  edgeTo: Int32Array;
  fail: Int32Array;
  ownStart: Int32Array;
  ownIds: Int32Array;
  /** 1 where a pattern ends at the node or on its dictionary chain: most nodes of a walk report nothing. */
  emits: Uint8Array;
  /**
   * The complete transition on ASCII units (fail links already followed) for nodes whose path is all ASCII, as
   * rows of 128: English text then costs one read per unit. asciiRow[node] is the node's row, or -1.
   */
  asciiRow: Int32Array;
  asciiNext: Int32Array;
}

function flatten(next: Array<Map<number, number>>, own: number[][], fail: number[], dictLink: Int32Array): FlatTrie {
  const nodes = next.length;
  const edgeStart = new Int32Array(nodes + 1);
  const ownStart = new Int32Array(nodes + 1);
  for (let n = 0; n < nodes; n++) {
    edgeStart[n + 1] = edgeStart[n]! + next[n]!.size;
    ownStart[n + 1] = ownStart[n]! + own[n]!.length;
  }
  const edgeChar = new Uint16Array(edgeStart[nodes]!);
  const edgeTo = new Int32Array(edgeStart[nodes]!);
  const ownIds = new Int32Array(ownStart[nodes]!);
  for (let n = 0; n < nodes; n++) {
    let e = edgeStart[n]!;
    for (const [c, to] of [...next[n]!].sort((a, b) => a[0] - b[0])) {
      edgeChar[e] = c;
      edgeTo[e++] = to;
    }
    ownIds.set(own[n]!, ownStart[n]!);
  }
  // Rows in breadth-first order, so a node's fail target (a shorter suffix, also all ASCII) has its row already.
  const asciiRow = new Int32Array(nodes).fill(-1);
  const order = [0];
  for (let k = 0; k < order.length; k++) for (const [c, to] of next[order[k]!]!) if (c < 128) order.push(to);
  const asciiNext = new Int32Array(order.length * 128);
  order.forEach((node, row) => {
    asciiRow[node] = row;
    const fallback = node === 0 ? -1 : asciiRow[fail[node]!]!;
    for (let c = 0; c < 128; c++) {
      const to = next[node]!.get(c);
      asciiNext[row * 128 + c] = to ?? (fallback < 0 ? 0 : asciiNext[fallback * 128 + c]!);
    }
  });
  const emits = Uint8Array.from(own, (ids, node) => (ids.length > 0 || dictLink[node] !== -1 ? 1 : 0));
  return { edgeStart, edgeChar, edgeTo, fail: Int32Array.from(fail), ownStart, ownIds, emits, asciiRow, asciiNext };
}
