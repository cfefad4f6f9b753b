import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect } from "vitest";
import { z } from "zod";
import { Signer } from "../../collect/sign";
import type { AuditEvent } from "../../schemas";
import { registerCollectorKey } from "../../store/collector-keys";
import { defineQuery } from "../../store/query";
import { makeEvents } from "../../test/factories/events";
import { openTestStore, type TestStore } from "../../test/store";
import { startIntegrityJob, type IntegrityRun } from "./job";

/**
 * Shared by the integrity tests: each test gets its own migrated database on
 * the real embedded engine and a temp state dir for real signers, signs its
 * own stream, and reads the findings table back.
 */
export interface IntegrityFixture {
  store: TestStore;
  dir: string;
}

export function useIntegrityFixture(): IntegrityFixture {
  let current: IntegrityFixture | undefined;
  beforeEach(async () => {
    current = { store: await openTestStore(), dir: await mkdtemp(join(tmpdir(), "integrity-")) };
  });
  afterEach(async () => {
    await current?.store.drop();
    if (current) await rm(current.dir, { recursive: true, force: true });
    current = undefined;
  });
  const get = (): IntegrityFixture => {
    if (current === undefined) throw new Error("the integrity fixture is only available inside a test");
    return current;
  };
  return {
    get store() {
      return get().store;
    },
    get dir() {
      return get().dir;
    },
  };
}

export const findingsQuery = defineQuery({
  name: "test.integrity_findings",
  params: z.object({}),
  row: z.object({ finding_id: z.string(), severity: z.string(), title: z.string(), status: z.string(), event_ids: z.array(z.string()) }),
  sql: (t) => `SELECT finding_id, severity, title, status, event_ids FROM ${t.findings} FINAL WHERE detector = 'integrity' ORDER BY finding_id`,
});

/**
 * `n` events signed by a fresh collector `collectorId` (seq 0..n-1), its key
 * registered unless `register` is false; a head every `headInterval` events
 * (default 1: every event signed).
 */
export async function signedStream(fx: IntegrityFixture, collectorId: string, n: number, register = true, headInterval = 1): Promise<{ signer: Signer; events: AuditEvent[] }> {
  const signer = await Signer.open({ stateDir: join(fx.dir, collectorId), collectorId, headInterval });
  const events = await signer.append(makeEvents(n, { host: collectorId }), async (signed) => signed);
  if (register) await registerCollectorKey(fx.store, { collectorId, publicKey: signer.keys.publicKeyPem, registeredBy: "test" });
  return { signer, events };
}

/** One job round (no timer, no straggler lag), failing the test if any collector's round failed. */
export async function round(fx: IntegrityFixture, options: { uncoveredAfterMs?: number } = {}): Promise<IntegrityRun> {
  const job = startIntegrityJob({ store: fx.store, intervalMs: 0, lagMs: 0, ...options });
  try {
    const run = await job.runOnce();
    expect(run.failed).toEqual([]);
    return run;
  } finally {
    await job.stop();
  }
}
