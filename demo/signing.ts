import { access, mkdir, writeFile } from "node:fs/promises";
import { setMaxListeners } from "node:events";
import { join } from "node:path";
import { registerCollectorKey, type RegisterOutcome } from "../collect/agent/register";
import { Signer } from "../collect/sign";
import type { Logger } from "../lib/log";
import { parseEventOrThrow, type AuditEvent } from "../schemas";
import type { DemoEvent } from "./generate/sim";
import type { Publish } from "./run";

/**
 * The demo fleet signs like a real fleet: one collector per demo host
 * (`demo-<host>`), each with its own Ed25519 key and hash chain kept in
 * `stateDir/<collector_id>` (collect/sign's Signer, the collectors' own
 * signer), and each key registered with the gateway the way a collector
 * registers it on first run (collect/agent/register.ts), presenting a
 * one-time enrolment token that `enrol` issues (the server's in-process
 * equivalent of `prodtrail collectors enroll`). So `prodtrail verify` and
 * the integrity job check the demo's events like anyone else's.
 */
export interface DemoSigningOptions {
  stateDir: string;
  gatewayUrl: string;
  /** Issues a one-time enrolment token for a collector id (an admin act). */
  enrol: (collectorId: string) => Promise<string>;
  log: Logger;
}

export class DemoSigningError extends Error {
  constructor(collectorId: string, outcome: RegisterOutcome) {
    super(`demo collector ${collectorId}: key registration ended '${outcome}'; its events would not verify (see the log above)`);
    this.name = "DemoSigningError";
  }
}

/** Collector ids allow letters, digits, '.', '_', '-' (ingest/gateway/register.ts); demo host names already fit. */
export function demoCollectorId(host: string): string {
  return `demo-${host.replace(/[^A-Za-z0-9._-]/g, "-")}`.slice(0, 128);
}

/** Marks a key registered, so a restart does not ask for another enrolment token. */
const REGISTERED_FILE = "registered";

export class DemoSigners {
  private readonly signers = new Map<string, Promise<Signer>>();
  private readonly registrations: Array<Promise<void>> = [];
  /** One signal for every registration: 114 of them at once would pass Node's default of 10 listeners per signal. */
  private readonly stopping = new AbortController();
  private readonly linked = new WeakSet<AbortSignal>();

  constructor(private readonly options: DemoSigningOptions) {
    setMaxListeners(0, this.stopping.signal);
  }

  /**
   * Settles when every key registration started so far ended; rejects with
   * the first that failed. Registration runs beside posting, never in front
   * of it, as a real collector's does (collect/agent/register.ts): the
   * gateway takes signed events before their key is known, and the
   * integrity job verifies them once it is.
   */
  async registered(): Promise<void> {
    let done = 0;
    while (done < this.registrations.length) {
      const started = this.registrations.slice(done);
      done += started.length;
      await Promise.all(started);
    }
  }

  /** The signer of one demo collector: opened (key created) and registered on first use. */
  signer(collectorId: string, signal: AbortSignal): Promise<Signer> {
    if (!this.linked.has(signal)) {
      this.linked.add(signal);
      signal.addEventListener("abort", () => this.stopping.abort(signal.reason), { once: true });
    }
    let opening = this.signers.get(collectorId);
    if (opening === undefined) {
      opening = this.open(collectorId);
      // A failed open (gateway down at first use) is tried again with the next batch.
      opening.catch(() => this.signers.delete(collectorId));
      this.signers.set(collectorId, opening);
    }
    return opening;
  }

  private async open(collectorId: string): Promise<Signer> {
    const stateDir = join(this.options.stateDir, collectorId);
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    const signer = await Signer.open({ stateDir, collectorId, collectorVersion: "demo", log: this.options.log });
    const marker = join(stateDir, REGISTERED_FILE);
    if (!(await exists(marker))) {
      const registration = (async () => {
        const outcome = await registerCollectorKey(
          // retryMs 2 s: the gateway is this process; a failure here is a bug to report quickly, not an outage to ride out.
          { url: this.options.gatewayUrl, collectorId, publicKeyPem: signer.keys.publicKeyPem, enrolmentToken: await this.options.enrol(collectorId), log: this.options.log, retryMs: 2000 },
          this.stopping.signal,
        );
        if (outcome === "stopped") return;
        if (outcome !== "registered") throw new DemoSigningError(collectorId, outcome);
        await writeFile(marker, `${new Date().toISOString()}\n`);
      })();
      registration.catch((error: unknown) => this.options.log.error({ err: error, collector_id: collectorId }, "demo: collector key registration failed; its events stay unverified"));
      this.registrations.push(registration);
    }
    return signer;
  }

  /**
   * Wraps a publish step: each batch is split by collector, every part is
   * signed from its chain's tip, the whole batch goes out in one publish,
   * and each chain advances only once that publish resolved (the Signer's
   * `append` contract, the spool append's role taken by the post): a failed
   * post consumes no seq, and the retry signs the same events again.
   */
  wrap(post: PostSigned): Publish {
    return async (events: readonly DemoEvent[], signal: AbortSignal) => {
      if (events.length === 0) return post([], signal);
      const parsed = events.map((e) => parseEventOrThrow({ ...e, collector_id: demoCollectorId(e.host) }));
      const groups = new Map<string, number[]>();
      parsed.forEach((e, i) => {
        const id = e.collector_id ?? "";
        groups.set(id, [...(groups.get(id) ?? []), i]);
      });
      const signers = await Promise.all([...groups.keys()].map(async (id) => [id, await this.signer(id, signal)] as const));
      const out: AuditEvent[] = [...parsed];
      let release: (error?: unknown) => void = () => undefined;
      const published = new Promise<void>((resolve, reject) => {
        release = (error) => (error === undefined ? resolve() : reject(error instanceof Error ? error : new Error(String(error))));
      });
      let waiting = signers.length;
      let allSigned: () => void = () => undefined;
      const signed = new Promise<void>((resolve) => (allSigned = resolve));
      const appends = signers.map(([id, signer]) => {
        const indexes = groups.get(id) ?? [];
        return signer.append(
          indexes.map((i) => parsed[i]).filter((e): e is AuditEvent => e !== undefined),
          async (links) => {
            links.forEach((link, k) => {
              const i = indexes[k];
              if (i !== undefined) out[i] = link;
            });
            waiting -= 1;
            if (waiting === 0) allSigned();
            await published;
          },
        );
      });
      const all = Promise.all(appends);
      // The appends end only after the post: any settling before every part is signed is a signing failure.
      all.catch(() => undefined);
      await Promise.race([signed, all.then(() => undefined)]);
      try {
        await post(out, signal);
      } catch (error) {
        release(error);
        await Promise.allSettled(appends);
        throw error;
      }
      release();
      await all;
    };
  }
}

/** Where signed events go: the gateway, as a collector's HTTP sink sends them. */
export type PostSigned = (events: readonly AuditEvent[], signal: AbortSignal) => Promise<void>;

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
