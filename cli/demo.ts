import { writeFileSync } from "node:fs";
import { pino } from "pino";
import { loadConfig } from "../config/load";
import { createLogger } from "../lib/log";
import { DemoPostError, eventsEndpoint } from "../demo/post";
import { runDemo, startDemo, type DemoHandle } from "../demo/run";
import { CONFIG_OPTION, parseCommandArgs, UsageError } from "./usage";
import { sinkFromConfig } from "../collect/sinks/from-config";
import { publishThroughSink } from "../demo/sink-publish";

const USAGE = `usage: prodtrail demo [--url URL | --sink kafka] [--seed N] [--days N] [--rate N] [--once] [--truth FILE] [--stdout] [--config FILE]

Runs the demo fleet: a simulated organisation (40 engineers, 5 service
identities, 114 hosts) whose events are labelled env demo-prod/demo-staging
and labels.demo="true". Posts a backfill of --days days through
POST /api/v1/events, oldest first, then continues live at --rate events/min
until interrupted (Ctrl-C).

  --url URL     gateway to post to (default http://<server.host>:<server.port> from config)
  --seed N      simulation seed (default demo.seed, 42); same seed + same start = same events
  --days N      days of backfill (default demo.backfill_days, 14)
  --rate N      live events per minute (default demo.live_events_per_minute, 120; 0 = no live)
  --once        stop after the backfill
  --truth FILE  write the generator's ground truth (every host change and what it really is) as JSON
                after the backfill, and again on exit
  --sink kafka  produce to Kafka (kafka.brokers / KAFKA_BROKERS) like a scale-mode collector,
                instead of posting to the gateway
  --stdout      print events as JSON lines instead of posting (progress goes to stderr)`;

function intOption(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || (name !== "rate" && !Number.isInteger(n))) throw new UsageError(`--${name} must be a ${name === "rate" ? "number" : "whole number"} ≥ ${min}, got '${value}'`, USAGE);
  return n;
}

export async function runDemoCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    { ...CONFIG_OPTION, url: { type: "string" }, seed: { type: "string" }, days: { type: "string" }, rate: { type: "string" }, once: { type: "boolean" }, truth: { type: "string" }, stdout: { type: "boolean" }, sink: { type: "string" } },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfig({ path: values.config });
  const seed = intOption("seed", values.seed, config.demo.seed, Number.MIN_SAFE_INTEGER);
  const backfillDays = intOption("days", values.days, config.demo.backfill_days, 0);
  const rate = values.once ? 0 : intOption("rate", values.rate, config.demo.live_events_per_minute, 0);
  const gatewayUrl = values.url ?? `http://${config.server.host}:${config.server.port}`;
  if (!values.stdout) {
    try {
      eventsEndpoint(gatewayUrl);
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error), USAGE);
    }
  }
  // With --stdout, standard output carries the events: logs go to stderr.
  const log = values.stdout ? pino({ name: "demo", level: config.log_level }, pino.destination(2)) : createLogger("demo", config.log_level);
  const options = { gatewayUrl, seed, backfillDays, liveEventsPerMinute: rate, log };
  if (values.sink !== undefined && values.sink !== "kafka" && values.sink !== "http") throw new UsageError(`--sink must be kafka or http, got '${values.sink}'`, USAGE);
  const kafka = values.sink === "kafka" ? sinkFromConfig({ ...config, collect: { ...config.collect, sink: { kind: "kafka" } } }, log) : undefined;
  const handle: DemoHandle = values.stdout
    ? runDemo(options, async (events) => {
        const text = events.map((e) => JSON.stringify(e)).join("\n");
        if (text !== "" && !process.stdout.write(`${text}\n`)) await new Promise((resolve) => process.stdout.once("drain", resolve));
      })
    : kafka
      ? runDemo(options, publishThroughSink(kafka, log))
      : startDemo(options);
  const writeTruth = () => {
    if (values.truth === undefined) return;
    const truth = handle.truth();
    writeFileSync(values.truth, `${JSON.stringify(truth, null, 2)}\n`);
    log.info({ file: values.truth, changes: truth.changes.length, counts: truth.counts }, "demo truth written");
  };

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= handle.stop().finally(() => kafka?.close()));
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
  let events: number;
  try {
    ({ events } = await handle.backfill);
  } catch (error) {
    await stop();
    if (!(error instanceof DemoPostError)) throw error;
    console.error(`prodtrail demo: ${error.message}`);
    return 1;
  }
  writeTruth();
  console.error(`demo: backfill of ${backfillDays} days done, ${events} events ${values.stdout ? "printed" : `posted to ${gatewayUrl}`} (seed ${seed})`);
  if (rate <= 0) {
    await stop();
    return 0;
  }
  console.error(`demo: live at ${rate} events/min; Ctrl-C to stop`);
  await Promise.race([
    handle.finished,
    new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    }),
  ]);
  await stop();
  writeTruth();
  return 0;
}
