/**
 * A discrete-event queue: actions run in simulated-time order (ties in the
 * order they were scheduled), so an edit, the commit that backports it and
 * the deploy that would overwrite it see host and repository state exactly
 * as it stood at their moment. Binary heap: O(log n) per action.
 */
interface Entry {
  t: number;
  seq: number;
  run: () => void;
}

export class Scheduler {
  private readonly heap: Entry[] = [];
  private seq = 0;

  at(t: number, run: () => void): void {
    this.heap.push({ t, seq: this.seq++, run });
    this.up(this.heap.length - 1);
  }

  /** Runs every action scheduled before `end`, including ones those actions schedule. */
  runUntil(end: number): void {
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || top.t >= end) return;
      this.pop();
      top.run();
    }
  }

  get size(): number {
    return this.heap.length;
  }

  private less(a: Entry, b: Entry): boolean {
    return a.t < b.t || (a.t === b.t && a.seq < b.seq);
  }

  private pop(): void {
    const last = this.heap.pop();
    if (last === undefined || this.heap.length === 0) return;
    this.heap[0] = last;
    this.down(0);
  }

  private up(i: number): void {
    for (let child = i; child > 0; ) {
      const parent = (child - 1) >> 1;
      const c = this.heap[child];
      const p = this.heap[parent];
      if (c === undefined || p === undefined || !this.less(c, p)) return;
      this.heap[child] = p;
      this.heap[parent] = c;
      child = parent;
    }
  }

  private down(i: number): void {
    for (let parent = i; ; ) {
      const l = 2 * parent + 1;
      const r = l + 1;
      let best = parent;
      const at = (k: number) => this.heap[k];
      const lb = at(l);
      const rb = at(r);
      const bb = () => at(best);
      const cur = bb();
      if (lb !== undefined && cur !== undefined && this.less(lb, cur)) best = l;
      const cur2 = bb();
      if (rb !== undefined && cur2 !== undefined && this.less(rb, cur2)) best = r;
      if (best === parent) return;
      const a = at(parent);
      const b = at(best);
      if (a === undefined || b === undefined) return;
      this.heap[parent] = b;
      this.heap[best] = a;
      parent = best;
    }
  }
}
