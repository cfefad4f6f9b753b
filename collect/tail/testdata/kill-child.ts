/**
 * Child process of kill-restart.test.ts. A consumer that handles lines
 * durably and exactly once: per batch it appends ONE record (the lines and
 * the batch's checkpoint) to its output file and fsyncs, then commits the
 * tailer. On start it cuts a torn last record and resumes from the last
 * stored checkpoint, so a SIGKILL at any instant neither loses nor repeats.
 * Exits 0 after handling the line "END".
 * argv: <log> <stateFile> <outFile> [commit-only]
 * With "commit-only" it ignores its stored checkpoints and relies on
 * commit() alone: at-least-once, the mode a plain spool consumer gets.
 */
import { open, readFile, truncate } from "node:fs/promises";
import { parseCheckpoint, Tailer, type TailCheckpoint } from "..";
import { quiet } from "./harness";

const [log, stateFile, outFile, mode] = process.argv.slice(2);
if (log === undefined || stateFile === undefined || outFile === undefined) throw new Error("usage: kill-child <log> <state> <out>");

async function lastCheckpoint(path: string): Promise<TailCheckpoint | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return null;
  }
  const complete = text.slice(0, text.lastIndexOf("\n") + 1);
  if (complete.length !== Buffer.byteLength(text)) await truncate(path, Buffer.byteLength(complete));
  const last = complete.trimEnd().split("\n").at(-1);
  if (last === undefined || last === "") return null;
  const record: unknown = JSON.parse(last);
  if (typeof record !== "object" || record === null) throw new Error("bad record");
  return parseCheckpoint(Reflect.get(record, "checkpoint"), path);
}

const stored = await lastCheckpoint(outFile);
const resumeFrom = mode === "commit-only" ? null : stored;
const out = await open(outFile, "a");
const tailer = await Tailer.open({ path: log, stateFile, resumeFrom, pollIntervalMs: 20, maxBatchLines: 37, log: quiet });
for await (const batch of tailer) {
  const texts = batch.lines.map((l) => l.text);
  const ids = batch.lines.map((l) => `${l.fileId}:${l.offset}`);
  await out.write(`${JSON.stringify({ lines: texts, ids, checkpoint: batch.checkpoint })}\n`);
  await out.sync();
  await batch.commit();
  if (texts.includes("END")) break;
}
await out.close();
process.exit(0);
