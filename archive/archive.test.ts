import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Signer } from "../collect/sign";
import type { AuditEvent } from "../schemas";
import { registerCollectorKey } from "../store/collector-keys";
import { insertEvents } from "../store/events";
import { makeEvents } from "../test/factories/events";
import { openTestStore, type TestStore } from "../test/store";
import { ArchiveDestinationError, localDirectory, parseS3Url, sha256 } from "./destination";
import { exportArchive } from "./export";
import { manifestSchema } from "./manifest";
import { s3ClientConfig, s3ObjectKey } from "./s3-destination";
import { parquetReaderFor, verifyArchive } from "./verify";

/** Export a window of signed streams, verify the archive offline, plant changes the verifier must name. */
let store: TestStore;
let dir: string;
let victim: AuditEvent;
const FROM = "2026-11-01T00:00:00.000Z";
const TO = "2026-11-02T00:00:00.000Z";

async function signedStream(collectorId: string, n: number, headInterval: number): Promise<AuditEvent[]> {
  const signer = await Signer.open({ stateDir: join(dir, "state", collectorId), collectorId, headInterval });
  await registerCollectorKey(store, { collectorId, publicKey: signer.keys.publicKeyPem, registeredBy: "test" });
  // Spread over the window and a little after it, so the window's tail links need the cover part's head.
  const base = Date.parse(FROM);
  const events = makeEvents(n, { host: collectorId }).map((e, i) => ({ ...e, occurred_at: new Date(base + (i + 1) * ((Date.parse(TO) - base) / (n - 3))).toISOString() }));
  return signer.append(events, async (s) => s);
}

beforeAll(async () => {
  store = await openTestStore();
  dir = await mkdtemp(join(tmpdir(), "archive-test-"));
  const a = await signedStream("web-01", 40, 8);
  const b = await signedStream("db-01", 25, 1);
  await insertEvents(store, [...a, ...b]);
  const found = a[13];
  if (found === undefined) throw new Error("no event 13");
  victim = found;
});
afterAll(async () => {
  await store.drop();
  await rm(dir, { recursive: true, force: true });
});

async function exported(format: "jsonl" | "parquet", name: string) {
  const out = join(dir, name);
  const manifest = await exportArchive(store, await localDirectory(out), { from: FROM, to: TO, format, partRows: 16 });
  return { out, manifest };
}

describe("prodtrail export and verify --archive", () => {
  it.each(["jsonl", "parquet"] as const)("exports a window in parts with a manifest that verifies offline (%s)", async (format) => {
    const { out, manifest } = await exported(format, `clean-${format}`);
    expect(manifest.parts.filter((p) => p.role === "window").length).toBeGreaterThan(1);
    expect(manifest.events).toBe(manifest.parts.filter((p) => p.role === "window").reduce((n, p) => n + p.rows, 0));
    expect(manifest.collectors.map((c) => c.collector_id)).toEqual(["db-01", "web-01"]);
    const report = await verifyArchive(out, parquetReaderFor(store));
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const web = report.collectors.find((c) => c.collector_id === "web-01");
    expect(web?.verified).toBe(web?.events);
    expect(web?.unverified_at_end).toBe(0);
  });

  it("finds a planted change in a JSON-lines archive and names the event, even with the manifest's sha256 rewritten", async () => {
    const { out, manifest } = await exported("jsonl", "tampered-jsonl");
    const part = manifest.parts.find((p) => p.role === "window" && p.rows > 0 && p.file.endsWith(".jsonl"));
    const files = manifest.parts.map((p) => p.file);
    let planted = false;
    for (const file of files) {
      const text = await readFile(join(out, file), "utf8");
      if (!text.includes(victim.event_id)) continue;
      const changed = text.split("\n").map((l) => (l.includes(victim.event_id) ? l.replace(/"command":"[^"]*"/, '"command":"rm -rf \\/"') : l)).join("\n");
      await writeFile(join(out, file), changed);
      // The attacker covers their tracks in the manifest too.
      const m = manifestSchema.parse(JSON.parse(await readFile(join(out, "manifest.json"), "utf8")));
      const entry = m.parts.find((p) => p.file === file);
      if (entry) entry.sha256 = sha256(Buffer.from(changed));
      await writeFile(join(out, "manifest.json"), JSON.stringify(m));
      planted = true;
    }
    expect(part).toBeDefined();
    expect(planted).toBe(true);
    const report = await verifyArchive(out, parquetReaderFor(store));
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: "chain", collector_id: "web-01", event_id: victim.event_id, status: "bad-signature" }));
  });

  it("finds a planted change in a Parquet archive, and a part whose bytes changed", async () => {
    const { out, manifest } = await exported("parquet", "tampered-parquet");
    for (const p of manifest.parts) {
      const path = join(out, p.file);
      const copy = `${path}.orig`;
      await writeFile(copy, await readFile(path));
      await store.client.command({
        query: `INSERT INTO FUNCTION file('${path}', Parquet) SELECT * REPLACE (if(event_id = {id:String}, 'rm -rf /', command) AS command) FROM file('${copy}', Parquet)`,
        query_params: { id: victim.event_id },
        clickhouse_settings: { engine_file_truncate_on_insert: 1 },
      });
      await rm(copy);
    }
    const report = await verifyArchive(out, parquetReaderFor(store));
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: "chain", event_id: victim.event_id, status: "bad-signature" }));
    expect(report.problems.some((p) => p.kind === "part" && /sha256 is .* the file changed after export/.test(p.message))).toBe(true);
  });

  it("reports a deleted event as a gap and a missing manifest by name", async () => {
    const { out, manifest } = await exported("jsonl", "gap-jsonl");
    for (const p of manifest.parts) {
      const text = await readFile(join(out, p.file), "utf8");
      await writeFile(join(out, p.file), text.split("\n").filter((l) => !l.includes(victim.event_id)).join("\n"));
    }
    const report = await verifyArchive(out, parquetReaderFor(store));
    expect(report.problems.some((p) => p.kind === "chain" && p.status === "gap")).toBe(true);
    const none = await verifyArchive(join(dir, "nowhere"), parquetReaderFor(store));
    expect(none.problems[0]).toMatchObject({ kind: "manifest" });
    expect(none.problems[0]?.message).toMatch(/nowhere\/manifest.json/);
  });

  it("never overwrites an archive, and parses S3 locations by name", async () => {
    const { out } = await exported("jsonl", "twice");
    await expect(exportArchive(store, await localDirectory(out), { from: FROM, to: TO, format: "jsonl" })).rejects.toBeInstanceOf(ArchiveDestinationError);
    expect(parseS3Url("s3://audit-archive/prodtrail/2026/")).toEqual({ bucket: "audit-archive", prefix: "prodtrail/2026" });
    expect(() => parseS3Url("s3://A_bad/x")).toThrow(/not an S3 location/);
    expect(s3ObjectKey("prodtrail/2026", "manifest.json")).toBe("prodtrail/2026/manifest.json");
    expect(s3ClientConfig({ endpoint: "http://minio:9000", region: "eu-west-1" })).toEqual({ region: "eu-west-1", endpoint: "http://minio:9000", forcePathStyle: true });
  });
});
