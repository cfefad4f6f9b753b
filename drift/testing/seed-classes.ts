/**
 * Builds the issue #12 class scenarios (classes.ts) into a store of their
 * own, in a separate process (the embedded engine is one per process and
 * data directory), and writes what the CLI test needs next to it:
 *   DIR/prodtrail.yaml  data_dir, collect.labels, every scenario's drift mappings (JSON is YAML)
 *   DIR/ids.json        class → name → event id
 * Usage: tsx drift/testing/seed-classes.ts DIR
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { clickhouseConfigSchema } from "../../config/schema";
import { migrate } from "../../store/migrate";
import { openStore } from "../../store/open";
import { buildClass, type CLASSES } from "./classes";

const dir = process.argv[2];
if (dir === undefined) throw new Error("usage: seed-classes.ts DIR");
const dataDir = join(dir, "data");
const store = await openStore({ clickhouse: clickhouseConfigSchema.parse({}), dataDir });
try {
  await migrate(store);
  const ids: Record<string, Record<string, string>> = {};
  const mappings: unknown[] = [];
  for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, "p"] as const satisfies ReadonlyArray<keyof typeof CLASSES>) {
    const built = await buildClass(store, n, dir);
    ids[String(n)] = built.ids;
    mappings.push(...built.scenario.mappings);
    await built.scenario.close();
  }
  writeFileSync(join(dir, "prodtrail.yaml"), JSON.stringify({ data_dir: dataDir, collect: { labels: { role: "web" } }, drift: { interval_seconds: 0, mappings } }, null, 1));
  writeFileSync(join(dir, "ids.json"), JSON.stringify(ids, null, 1));
} finally {
  await store.close();
}
