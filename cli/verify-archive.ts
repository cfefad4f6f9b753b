import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clickhouseConfigSchema } from "../config/schema";
import { openStore, type Store } from "../store/open";
import { parquetReaderFor, verifyArchive, type ArchiveProblem } from "../archive/verify";

/**
 * `prodtrail verify --archive DIR`: offline, no store. Parquet parts are
 * read through a throwaway embedded engine in a temporary directory (the
 * format's reader is the engine's own); JSON lines need none.
 * Exit: 0 verified, 3 problems found (each printed by name), 1 error.
 */
export async function verifyArchiveCommand(dir: string, options: { json: boolean; print: (line: string) => void; engine?: Pick<Store, "client"> }): Promise<number> {
  let scratch: string | undefined;
  let engine = options.engine;
  let owned: Store | undefined;
  try {
    const readParquet = async (path: string) => {
      if (engine === undefined) {
        scratch = await mkdtemp(join(tmpdir(), "prodtrail-verify-archive-"));
        owned = await openStore({ clickhouse: clickhouseConfigSchema.parse({ database: "default" }), dataDir: scratch });
        engine = owned;
      }
      return parquetReaderFor(engine)(path);
    };
    const report = await verifyArchive(dir, readParquet);
    if (options.json) {
      options.print(JSON.stringify(report, (key, value: unknown) => (key === "manifest" ? undefined : value), 2));
    } else {
      const m = report.manifest;
      if (m !== null) options.print(`archive ${dir}: ${m.events} events, ${m.from} – ${m.to}, ${m.format}, ${m.parts.length} parts, exported ${m.exported_at}`);
      for (const c of report.collectors) {
        const end = c.unverified_at_end > 0 ? `  ${c.unverified_at_end} after the last head (unverifiable at the archive's end)` : "";
        options.print(`  ${c.collector_id.padEnd(24)} seq ${c.first_seq ?? "-"}–${c.last_seq ?? "-"}  events ${c.events}  verified ${c.verified}${end}`);
      }
      if (report.unchained > 0) options.print(`  ${report.unchained} events carry no collector chain (server records, unsigned sources)`);
      for (const p of report.problems) options.print(`  PROBLEM ${problemLine(p)}`);
      options.print(report.ok ? "archive verified: every part has its recorded sha256 and every chained event its collector's signature chain" : `${report.problems.length} problem(s) found`);
    }
    return report.ok ? 0 : 3;
  } finally {
    await owned?.close();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  }
}

function problemLine(p: ArchiveProblem): string {
  switch (p.kind) {
    case "manifest":
      return `manifest: ${p.message}`;
    case "part":
      return `${p.file}: ${p.message}`;
    case "row":
      return `${p.file} row ${p.row}: ${p.message}`;
    case "chain":
      return `${p.collector_id} seq ${p.seq ?? "?"} event ${p.event_id}: ${p.status}: ${p.message}`;
  }
}
