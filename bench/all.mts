/**
 * `npm run bench`: every benchmark in order, one summary table at the end.
 *
 *   npm run bench                      # the sizes the issues name (10M dashboard: long)
 *   npm run bench -- --quick           # small sizes, minutes: to check the benches run
 *   npm run bench -- --only store-write,ingest-e2e
 *   npm run bench -- --readme          # also rewrite README.md's performance table
 *
 * Each bench runs in its own process (the embedded engine and Kafka clients
 * keep handles open) and prints its human-readable figures as it goes, then
 * one `BENCH {json}` line (bench/lib/report.ts) that this runner collects.
 * A bench that fails is reported as failed and the run goes on; the exit
 * code is 1 if any failed.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseBenchOutput, rowsOf, type BenchLine } from "./lib/report";
import { renderSummary, replaceReadmeSection, type BenchOutcome } from "./lib/summary";

interface BenchStep {
  name: string;
  script: string;
  full: string[];
  quick: string[];
}

/** In the order the write path builds up: collector, store, Kafka, then reads. */
const STEPS: readonly BenchStep[] = [
  { name: "collector-pipeline", script: "bench/collect/pipeline.ts", full: ["200000", "3"], quick: ["20000", "1"] },
  { name: "collector-pipeline-vs-commit", script: "bench/collect/pipeline-vs-commit.ts", full: ["--lines", "200000", "--rounds", "3"], quick: ["--lines", "20000", "--rounds", "1"] },
  { name: "spool", script: "bench/spool/run.ts", full: [], quick: ["0.5"] },
  { name: "store-write", script: "bench/ingest/store-write.ts", full: ["--rows", "200000"], quick: ["--rows", "20000", "--rounds", "1", "--slow-rows", "5000"] },
  { name: "first-write", script: "bench/store/first-write.ts", full: [], quick: ["5000", "1000", "20000"] },
  { name: "ingest-e2e", script: "bench/ingest/run.ts", full: ["--events", "200000", "--workers", "1,2"], quick: ["--events", "20000", "--workers", "1,2", "--sweep", "10000:1000"] },
  { name: "storage", script: "bench/store/storage.ts", full: [], quick: ["--events", "100000"] },
  { name: "dashboard", script: "bench/dashboard/run.ts", full: ["--sizes", "1000000,10000000", "--runs", "10"], quick: ["--sizes", "200000", "--runs", "5"] },
  { name: "timeline-body", script: "bench/dashboard/timeline-body.ts", full: ["--sizes", "1000000,10000000"], quick: ["--sizes", "200000", "--runs", "3"] },
  { name: "detections", script: "bench/detections/run.ts", full: [], quick: ["--events", "100000", "--runs", "1"] },
  { name: "drift-gate", script: "bench/drift/gate.ts", full: [], quick: ["--changes", "100000", "--runs", "1"] },
];

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    readme: { type: "boolean", default: false },
  },
});
const only = values.only?.split(",").map((s) => s.trim()).filter(Boolean);
const unknown = only?.filter((n) => !STEPS.some((s) => s.name === n)) ?? [];
if (unknown.length > 0) {
  console.error(`npm run bench: unknown bench ${unknown.join(", ")}; known: ${STEPS.map((s) => s.name).join(", ")}`);
  process.exit(2);
}

function run(step: BenchStep): Promise<BenchOutcome> {
  const args = ["tsx", step.script, ...(values.quick ? step.quick : step.full)];
  console.log(`\n== ${step.name}: npx ${args.join(" ")}`);
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn("npx", args, { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      process.stdout.write(chunk);
    });
    child.on("error", (error) => resolve({ step: step.name, command: `npx ${args.join(" ")}`, seconds: 0, error: error.message, lines: [] }));
    child.on("close", (code) => {
      const seconds = (performance.now() - started) / 1000;
      const command = `npx ${args.join(" ")}`;
      let lines: BenchLine[] = [];
      let error: string | undefined = code === 0 ? undefined : `exited with code ${String(code)}`;
      try {
        lines = parseBenchOutput(output, step.script);
        if (error === undefined && lines.length === 0) error = "printed no BENCH line";
      } catch (caught) {
        error = caught instanceof Error ? caught.message : String(caught);
      }
      resolve({ step: step.name, command, seconds, error, lines });
    });
  });
}

const outcomes: BenchOutcome[] = [];
for (const step of STEPS.filter((s) => only === undefined || only.includes(s.name))) outcomes.push(await run(step));

const table = renderSummary(outcomes, rowsOf);
console.log(`\n== summary (${values.quick ? "quick sizes" : "full sizes"}, ${new Date().toISOString().slice(0, 10)})\n\n${table}`);
if (values.readme) {
  const readme = readFileSync("README.md", "utf8");
  writeFileSync("README.md", replaceReadmeSection(readme, table));
  console.log("README.md: performance table rewritten");
}
process.exit(outcomes.some((o) => o.error !== undefined) ? 1 : 0);
