import type { AuditEvent } from "../../schemas";
import { createLogger, type Logger } from "../../lib/log";
import { checkLink, linkEvent, sealHead, type ChainTip, type SourceStamp } from "./chain";
import { chainStateWritten, persistChainState, readChainState, writeChainState } from "./chain-state";
import { ChainStateError, SignError } from "./errors";
import { loadOrCreateKeys, type CollectorKeys } from "./keys";
import { MAX_UNSIGNED_RUN } from "./verify";

export interface SignerOptions {
  /** Holds collector.key, collector.pub and chain.json. */
  stateDir: string;
  /** The stream: one signer, one chain, per collector id. */
  collectorId: string;
  collectorVersion?: string;
  /**
   * The last event the spool holds (its newest record), or null when the
   * spool is empty. Needed to recover from a crash between spool append and
   * the chain-state write; see `append`.
   */
  spoolTail?: AuditEvent | null;
  /**
   * Sign every `headInterval`-th event of a batch and its last one (the
   * heads); the others are unsigned links their head vouches for. Default
   * 1: every event signed, the format before head signing and the
   * strongest; the collector daemon (collect/agent) runs
   * DEFAULT_HEAD_INTERVAL (64). At most MAX_UNSIGNED_RUN (1,024), what
   * verifiers wait out.
   */
  headInterval?: number;
  /**
   * Persist chain.json in the background after each append instead of
   * before it resolves (chain-state.ts: about 17% of the collector
   * pipeline). Only for a signer whose every append goes to a spool that
   * `spoolTail` is read from at the next start (the collector daemon): a
   * chain.json left behind by a crash is then recovered from the spool, never
   * re-signed. Default false: durable before append resolves (`prodtrail
   * collect --sign`, the demo, anything without a spool). `flush` waits.
   */
  backgroundChainState?: boolean;
  log?: Logger;
}

/**
 * 64 events per head. One Ed25519 signature costs ~24 µs here (issue #13),
 * 27% of a collector's busy time at one per event; at 1 in 64 it is
 * 0.4 µs per event, under 1% of the ~40 µs the rest of the pipeline costs,
 * so a larger interval buys nothing measurable while widening what one
 * lost or refused head leaves unverifiable (up to 63 events). Every batch
 * also ends in a head, so nothing spooled ever waits for a later batch.
 */
export const DEFAULT_HEAD_INTERVAL = 64;

/**
 * Gives every event of a collector stream its `seq`, `prev_hash`, `hash`
 * and `sig`, one batch at a time.
 *
 * Crash ordering. `append(events, write)` signs the batch from the current
 * tip, awaits `write(signed)` (the spool append, resolved once durable),
 * and only then advances the tip and persists it to chain.json
 * (write-temp + fsync + rename; in the background with
 * `backgroundChainState`, where `flush` waits for it). So:
 * - a crash before `write` resolved: nothing advanced, the batch was never
 *   durable (the sources re-read it: their offsets are committed later
 *   still), the next run signs it again from the same tip: no gap;
 * - a crash after `write` but before chain.json: the spool holds seqs that
 *   chain.json does not know. Re-signing from the stale tip would fork (two
 *   different events with one seq). `open` therefore takes the spool's
 *   newest record (`spoolTail`), checks its signature with this key, and
 *   continues after it when it is ahead of chain.json.
 * A failed `write` (spool full) leaves the tip unchanged: seqs are never
 * consumed by events that were not stored.
 */
export class Signer {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly opts: SignerOptions,
    readonly keys: CollectorKeys,
    private tip: ChainTip,
    private readonly log: Logger,
    private readonly headInterval: number,
  ) {}

  /** The source fields every event gets (collector_id, collector_version). */
  private get stamp(): SourceStamp {
    return { collector_id: this.opts.collectorId, ...(this.opts.collectorVersion !== undefined ? { collector_version: this.opts.collectorVersion } : {}) };
  }

  static async open(opts: SignerOptions): Promise<Signer> {
    const log = (opts.log ?? createLogger("signer")).child({ collector_id: opts.collectorId });
    const keys = await loadOrCreateKeys(opts.stateDir);
    // Another signer of this process may still be writing this chain's state.
    await chainStateWritten(opts.stateDir);
    let tip = await readChainState(opts.stateDir, opts.collectorId);
    const tail = opts.spoolTail ?? null;
    if (tail !== null) tip = await recoverFromTail(opts, keys, tip, tail, log);
    const headInterval = opts.headInterval ?? 1;
    checkInterval(headInterval);
    log.info({ next_seq: tip.nextSeq, head_interval: headInterval }, "signer ready");
    return new Signer(opts, keys, tip, log, headInterval);
  }

  /** The tip the next batch continues from. */
  get next(): Readonly<ChainTip> {
    return { ...this.tip };
  }

  /** Sign `events` in order, hand them to `write`, advance only once it resolved. Serialised. `headInterval` overrides the signer's for this batch. */
  append<T>(events: readonly AuditEvent[], write: (signed: AuditEvent[]) => Promise<T>, options: { headInterval?: number } = {}): Promise<T> {
    const interval = options.headInterval ?? this.headInterval;
    checkInterval(interval);
    const run = this.queue.then(async () => {
      let { nextSeq, lastHash } = this.tip;
      const signed: AuditEvent[] = [];
      const last = events.length - 1;
      for (const [i, event] of events.entries()) {
        const head = i === last || (i + 1) % interval === 0;
        const link = linkEvent(event, nextSeq, lastHash, head ? this.keys.privateKey : null, this.stamp);
        signed.push(link);
        nextSeq += 1;
        lastHash = link.hash ?? lastHash;
      }
      const result = await write(signed);
      if (signed.length > 0) {
        this.tip = { nextSeq, lastHash };
        // A failure is logged, never thrown: the events are durable, and failing the append would make the
        // caller resend them under new seqs. A stale chain.json is what spoolTail recovery is for.
        const report = (err: unknown): void => this.log.error({ err, next_seq: nextSeq }, "could not persist chain state; the spool tail will restore it on restart");
        persistChainState(this.opts.stateDir, this.opts.collectorId, this.tip, report);
        if (this.opts.backgroundChainState !== true) await chainStateWritten(this.opts.stateDir);
      }
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves once the tip of every append so far is in chain.json: before exiting without a spool to recover from. */
  flush(): Promise<void> {
    return this.queue.then(() => chainStateWritten(this.opts.stateDir));
  }

  /**
   * `link` (from the batch being written) as a head. For a writer that
   * splits one batch over several durable appends: each append must end in
   * a head, or a crash between them leaves the spool ending in a link that
   * no head will cover and that crash recovery cannot check. The hash does
   * not change (sig is outside the hashed bytes), so the chain stays intact.
   */
  seal(link: AuditEvent): AuditEvent {
    return link.sig !== undefined ? link : sealHead(link, this.keys.privateKey);
  }
}

function checkInterval(headInterval: number): void {
  if (!Number.isInteger(headInterval) || headInterval < 1 || headInterval > MAX_UNSIGNED_RUN) {
    throw new SignError(`headInterval must be an integer from 1 to ${MAX_UNSIGNED_RUN} (verifiers give up on longer unsigned runs), got ${headInterval}`);
  }
}

async function recoverFromTail(opts: SignerOptions, keys: CollectorKeys, tip: ChainTip, tail: AuditEvent, log: Logger): Promise<ChainTip> {
  const context = { tail_event: tail.event_id, tail_seq: tail.seq, next_seq: tip.nextSeq };
  if (tail.collector_id !== opts.collectorId) {
    throw new ChainStateError(`the spool's last event belongs to collector ${String(tail.collector_id)}, not ${opts.collectorId}`, context);
  }
  const check = checkLink(tail, keys.publicKey);
  // Every spool append ends in a head (append signs a batch's last event, writers seal split batches), so an unsigned tail is an edited spool.
  if (check !== "ok" || tail.seq === undefined || tail.hash === undefined) {
    const why = check === "link" ? "an unsigned link, not a head" : check;
    throw new ChainStateError(`the spool's last event does not verify with this collector's key (${why}); was the key replaced or the spool edited?`, context);
  }
  if (tail.seq >= tip.nextSeq) {
    const recovered = { nextSeq: tail.seq + 1, lastHash: tail.hash };
    log.warn({ ...context, recovered_next_seq: recovered.nextSeq }, "chain state behind the spool (crash after spool append); continuing after the spool's last event");
    await writeChainState(opts.stateDir, opts.collectorId, recovered);
    return recovered;
  }
  if (tail.seq === tip.nextSeq - 1 && tail.hash !== tip.lastHash) {
    throw new ChainStateError(`chain state and spool disagree about seq ${tail.seq} (hash ${tip.lastHash} vs ${tail.hash})`, context);
  }
  return tip;
}
