import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";

/**
 * A YAML document that can say on which line a key or value is, so every
 * refusal points at the line to fix (`rules/x.yml:14`).
 */
export interface YamlSource {
  data: unknown;
  /** 1-based line of the deepest node on `path` that exists (the key's line for a map entry). */
  lineOf(path: ReadonlyArray<PropertyKey>): number;
  /** YAML syntax errors, each with its line. */
  errors: Array<{ line: number; message: string }>;
}

export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const line = (node: Node | null | undefined): number => lineCounter.linePos(node?.range?.[0] ?? 0).line;
  const errors = doc.errors.map((e) => ({ line: lineCounter.linePos(e.pos[0]).line, message: e.message.split("\n")[0] ?? e.message }));
  return {
    data: errors.length > 0 ? undefined : doc.toJS({ maxAliasCount: 100 }),
    errors,
    lineOf(path) {
      let node: Node | null = doc.contents;
      let best = line(node);
      for (const key of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
          if (pair === undefined) return best;
          if (isNode(pair.key)) best = line(pair.key);
          node = isNode(pair.value) ? pair.value : null;
        } else if (isSeq(node) && typeof key === "number") {
          const item = node.items[key];
          if (!isNode(item)) return best;
          node = item;
          best = line(node);
        } else return best;
      }
      return best;
    },
  };
}
