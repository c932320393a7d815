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
    this.built = true;
    return this;
  }

  /** Calls onMatch(patternId, start, end) for every occurrence of every pattern, in order of end offset. */
  search(text: string, onMatch: (id: number, start: number, end: number) => void): void {
    if (!this.built) throw new Error('AhoCorasick: search() before build()');
    const next = this.next;
    const fail = this.fail;
    const root = this.rootTable;
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let to: number | undefined;
      while (node !== 0 && (to = next[node]!.get(c)) === undefined) node = fail[node]!;
      node = node === 0 ? root[c]! : to!;
      if (node === 0) continue;
      for (let out = node; out !== -1; out = this.dictLink[out]!) {
        const ids = this.own[out]!;
        for (let k = 0; k < ids.length; k++) {
          const id = ids[k]!;
          onMatch(id, i + 1 - this.lengths[id]!, i + 1);
        }
      }
    }
  }
}
