import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The Java side of the test broker: is Java/Maven here, and the classpath of
 * the Kafka jars declared in test/kafka/pom.xml, resolved by Maven from
 * Maven Central into ~/.m2 and cached.
 */
export const POM = path.join(path.dirname(fileURLToPath(import.meta.url)), "pom.xml");
const REPO_ROOT = path.resolve(path.dirname(POM), "../..");
const CACHE_DIR = path.join(REPO_ROOT, "node_modules", ".cache", "prodtrail-kafka");

export const HOW_TO_RUN =
  "Kafka tests need Java 17+ and Maven 3.8+ on PATH (Debian: apt-get install openjdk-17-jre-headless maven; " +
  "the broker jars then come from Maven Central), or KAFKA_BROKERS=host:port pointing at a running cluster.";

export type Prerequisites = { ok: true } | { ok: false; reason: string };

function runs(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: "ignore", timeout: 20_000 });
  return r.error === undefined && r.status === 0;
}

/** Whether `java` and `mvn` can run, without starting anything. */
export function checkJavaAndMaven(): Prerequisites {
  const missing = [runs("java", ["-version"]) ? null : "java", runs("mvn", ["-v"]) ? null : "mvn"].filter(
    (x): x is string => x !== null,
  );
  return missing.length === 0 ? { ok: true } : { ok: false, reason: `${missing.join(" and ")} not found. ${HOW_TO_RUN}` };
}

/** Cache file named by the pom's content: a version change in pom.xml resolves afresh. */
function cacheFile(): string {
  const digest = createHash("sha256").update(readFileSync(POM)).digest("hex").slice(0, 16);
  return path.join(CACHE_DIR, `classpath-${digest}.txt`);
}

function readCached(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const cp = readFileSync(file, "utf8").trim();
  const jars = cp.split(path.delimiter);
  // ~/.m2 can be wiped independently of node_modules; only trust a list whose jars all exist.
  return jars.length > 0 && jars.every((j) => j !== "" && existsSync(j)) ? cp : undefined;
}

function mvn(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("mvn", ["-q", "-B", "-f", POM, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`mvn ${args.join(" ")} exited ${code}:\n${output.slice(-4000)}`)),
    );
  });
}

/**
 * The broker's classpath. First call per pom version runs Maven (downloads
 * ~40 MB into ~/.m2 on a cold machine); later calls read the cached list.
 */
export async function kafkaClasspath(): Promise<string> {
  const file = cacheFile();
  const cached = readCached(file);
  if (cached !== undefined) return cached;
  mkdirSync(CACHE_DIR, { recursive: true });
  // Written to a private name then renamed: concurrent test processes never read half a file.
  const tmp = `${file}.${process.pid}.tmp`;
  await mvn(["dependency:build-classpath", `-Dmdep.outputFile=${tmp}`, "-Dmdep.includeScope=runtime"]);
  renameSync(tmp, file);
  const cp = readCached(file);
  if (cp === undefined) throw new Error(`mvn wrote ${file} but some listed jars do not exist`);
  return cp;
}
