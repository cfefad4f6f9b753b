import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { connectAdmin, parseBrokerList } from "../../ingest/kafka";
import { createLogger } from "../../lib/log";
import { checkJavaAndMaven, kafkaClasspath } from "./classpath";

/**
 * A real single-node Apache Kafka (KRaft: one JVM is broker and controller),
 * started from the Maven Central jars of test/kafka/pom.xml on free loopback
 * ports with a temporary log dir. No Docker needed.
 */
export interface LocalBroker {
  readonly brokers: string[];
  /** The broker's own log (stdout+stderr of the JVM), kept until stop(). */
  readonly logFile: string;
  /** Graceful stop (SIGTERM, SIGKILL after a deadline) and removal of the temp dir. */
  stop(): Promise<void>;
  /** SIGKILL now, keeping the log dir: a crash. `restart()` brings it back. */
  kill(): void;
  /** Graceful stop keeping the log dir: an outage. `restart()` brings it back. */
  halt(): Promise<void>;
  /** (Re)start on the same ports and log dir; resolves when clients can use it. */
  restart(): Promise<void>;
}

export type KafkaProvision =
  | { kind: "external"; brokers: string[] }
  | { kind: "local"; broker: LocalBroker }
  | { kind: "unavailable"; reason: string };

export class KafkaUnavailableError extends Error {
  override readonly name = "KafkaUnavailableError";
}

export interface StartOptions {
  /** num.partitions for topics created without a count. */
  numPartitions?: number;
  /** How long start/restart may take before failing with the broker log. */
  startTimeoutMs?: number;
  /** How long a graceful stop may take before SIGKILL. */
  stopTimeoutMs?: number;
}

const live = new Set<ChildProcess>();
// Last line of defence if the test process exits without stop(): no orphan JVMs.
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/** KAFKA_BROKERS → that cluster; else a local broker if Java and Maven exist; else why not. */
export async function provisionKafka(opts: StartOptions = {}): Promise<KafkaProvision> {
  const external = process.env.KAFKA_BROKERS;
  if (external !== undefined && external.trim() !== "") return { kind: "external", brokers: parseBrokerList(external) };
  const pre = checkJavaAndMaven();
  if (!pre.ok) return { kind: "unavailable", reason: pre.reason };
  return { kind: "local", broker: await startBroker(opts) };
}

export async function startBroker(opts: StartOptions = {}): Promise<LocalBroker> {
  const pre = checkJavaAndMaven();
  if (!pre.ok) throw new KafkaUnavailableError(pre.reason);
  // A free port found by probing can be taken by another process before the
  // JVM binds it (test files start brokers in parallel): then the JVM exits
  // at once, and a second try on fresh ports is the fix.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      if (!(err instanceof BrokerExitedError) || attempt >= 3) throw err;
    }
  }
}

class BrokerExitedError extends Error {}

async function startOnce(opts: StartOptions): Promise<LocalBroker> {
  const startTimeoutMs = opts.startTimeoutMs ?? 60_000;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 15_000;

  const [classpath, port, controllerPort] = await Promise.all([kafkaClasspath(), freePort(), freePort()]);
  const dir = mkdtempSync(path.join(os.tmpdir(), "prodtrail-kafka-"));
  const logFile = path.join(dir, "broker.log");
  const props = path.join(dir, "server.properties");
  writeFileSync(props, serverProperties({ dir, port, controllerPort, numPartitions: opts.numPartitions ?? 1 }));
  writeFileSync(path.join(dir, "log4j2.properties"), LOG4J2);
  const brokers = [`127.0.0.1:${port}`];

  const java = (main: string, args: string[]): string[] => [
    "-Xms128m",
    "-Xmx1g",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
    `-Dlog4j2.configurationFile=${path.join(dir, "log4j2.properties")}`,
    "-cp",
    classpath,
    main,
    ...args,
  ];

  // A cluster id is 16 random bytes, base64url without padding (what `kafka-storage random-uuid` prints).
  const clusterId = randomBytes(16).toString("base64url");
  // `--cluster-id=…` in one argument: 1 id in 64 starts with "-", which the
  // storage tool would read as an option after a separate "-t".
  const format = spawnSync("java", java("kafka.tools.StorageTool", ["format", `--cluster-id=${clusterId}`, "-c", props]), {
    encoding: "utf8",
    timeout: 60_000,
  });
  if (format.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`kafka-storage format failed (exit ${format.status}):\n${format.stdout}\n${format.stderr}`);
  }

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const launch = async (): Promise<void> => {
    const out = openSync(logFile, "a");
    // setpriv --pdeathsig: the kernel kills the JVM if this node process dies
    // abruptly (a crashed test worker must not leave a broker holding ports).
    const [cmd, args] = existsSync("/usr/bin/setpriv")
      ? ["/usr/bin/setpriv", ["--pdeathsig", "KILL", "java", ...java("kafka.Kafka", [props])]]
      : ["java", java("kafka.Kafka", [props])];
    const proc = spawn(cmd, args, { stdio: ["ignore", out, out] });
    closeSync(out);
    child = proc;
    live.add(proc);
    exited = new Promise((resolve) => proc.once("exit", () => resolve()));
    void exited.then(() => live.delete(proc));
    try {
      await waitReady(brokers, port, proc, Date.now() + startTimeoutMs);
    } catch (err) {
      proc.kill("SIGKILL");
      const message = `${err instanceof Error ? err.message : String(err)}\n--- ${logFile} (tail) ---\n${tail(logFile)}`;
      throw err instanceof BrokerExitedError ? new BrokerExitedError(message) : new Error(message);
    }
  };

  const halt = async (): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), stopTimeoutMs);
    await exited;
    clearTimeout(timer);
  };

  await launch().catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });

  return {
    brokers,
    logFile,
    halt,
    kill() {
      child?.kill("SIGKILL");
    },
    async restart() {
      await halt();
      await exited;
      await launch();
    },
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function serverProperties(o: { dir: string; port: number; controllerPort: number; numPartitions: number }): string {
  return `# Written by test/kafka/broker.ts: one JVM is the whole cluster.
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${o.port}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
# Static quorum (both 3.9 and 4.x accept it; no --standalone format needed).
controller.quorum.voters=1@127.0.0.1:${o.controllerPort}
log.dirs=${path.join(o.dir, "data")}
num.partitions=${o.numPartitions}
auto.create.topics.enable=false
# One broker: every replicated internal topic has one replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
# Internal topics with one partition load in milliseconds; the default 50
# partitions of __consumer_offsets add seconds to the first group join.
offsets.topic.num.partitions=1
transaction.state.log.num.partitions=1
# Groups form at once instead of waiting 3 s for more members.
group.initial.rebalance.delay.ms=0
# After a SIGKILL the controller refuses the new incarnation's registration
# (DUPLICATE_BROKER_REGISTRATION) until the old session expires: 9 s by
# default, measured as 12 s kill→ready; 2 s brings it to ~4 s.
broker.session.timeout.ms=2000
broker.heartbeat.interval.ms=500
# A test broker should not spend its time on retention checks or fsync.
log.retention.check.interval.ms=300000
`;
}

const LOG4J2 = `# Broker log for tests: INFO to stdout, which broker.ts sends to broker.log.
status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = out
logger.state.name = state.change.logger
logger.state.level = WARN
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: "127.0.0.1", port });
    sock.once("connect", () => (sock.destroy(), resolve(true)));
    sock.once("error", () => (sock.destroy(), resolve(false)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Port open, then a client can list topics and reach the group coordinator. */
async function waitReady(brokers: string[], port: number, proc: ChildProcess, deadline: number): Promise<void> {
  const exitedEarly = () => proc.exitCode !== null || proc.signalCode !== null;
  while (!(await canConnect(port))) {
    if (exitedEarly()) throw new BrokerExitedError(`kafka exited during start (code ${proc.exitCode}, signal ${proc.signalCode})`);
    if (Date.now() > deadline) throw new Error(`kafka did not open port ${port} in time`);
    await sleep(50);
  }
  const logger = createLogger("kafka-harness", "silent");
  let last: unknown;
  while (Date.now() < deadline) {
    if (exitedEarly()) throw new BrokerExitedError(`kafka exited during start (code ${proc.exitCode})`);
    try {
      const admin = await connectAdmin({ brokers, clientId: "prodtrail-harness", logger, connectionTimeoutMs: 1_000 });
      try {
        await admin.listTopics();
        // Creates __consumer_offsets now, so the first test's group join does not wait for it.
        await admin.waitForGroupCoordinator("prodtrail-harness-warmup");
        return;
      } finally {
        await admin.close();
      }
    } catch (err) {
      last = err;
      await sleep(100);
    }
  }
  throw new Error(`kafka not ready in time: ${last instanceof Error ? last.message : String(last)}`);
}

function tail(file: string, bytes = 6000): string {
  try {
    const text = readFileSync(file, "utf8");
    return text.slice(-bytes);
  } catch {
    return "(no log)";
  }
}
