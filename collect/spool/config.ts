import { z } from "zod";

const MiB = 1024 * 1024;

/**
 * fsync policy — what survives what, and what it costs:
 * - A crash of the collector process (SIGKILL, OOM kill, panic) loses nothing
 *   under any policy: once `write(2)` returned, the bytes are in the kernel's
 *   page cache and reach the disk without us. fsync only matters for a kernel
 *   crash or power loss.
 * - `always`: fsync before each `append` resolves. Nothing acknowledged to the
 *   caller is ever lost, but every append waits for the device. bench/spool/run.ts
 *   on the dev VM (ext4 on virtio, fsync ≈ 0.25 ms): 1-record appends ran at
 *   0.12–0.15x of `never` (≈3.5k vs ≈27k appends/s); where an fsync costs
 *   1–10 ms (network block storage; not measured here) expect 100–1000/s. Batch: with
 *   100 records per append `always` still did ≈70–165k records/s.
 * - `interval`: fsync every `fsyncIntervalMs` (default 1000) — a power cut
 *   loses at most that window, at `never` throughput (0.7–1.1x, within noise).
 * - `never`: the OS writes back when it likes (Linux: ~30 s dirty expiry).
 * Segment rolls are fsynced under `always` and `interval` either way.
 */
export const FsyncPolicySchema = z.enum(["always", "interval", "never"]);
export type FsyncPolicy = z.infer<typeof FsyncPolicySchema>;

export const SpoolOptionsSchema = z
  .object({
    dir: z.string().min(1),
    /** A segment rolls before it would exceed this size. */
    segmentBytes: z.number().int().min(64).default(16 * MiB),
    /**
     * Disk limit over all segment files. At least two segments: a partially
     * acked head segment can hold up to one segment of acked bytes, so a
     * smaller limit could fill with nothing left for the shipper to free.
     */
    maxBytes: z.number().int().positive().default(1024 * MiB),
    /** Largest payload accepted; at most segmentBytes - 8. Default min(1 MiB, that). */
    maxRecordBytes: z.number().int().positive().optional(),
    fsync: FsyncPolicySchema.default("always"),
    fsyncIntervalMs: z.number().int().positive().default(1000),
  })
  .superRefine((o, ctx) => {
    if (o.maxBytes < 2 * o.segmentBytes) {
      ctx.addIssue({ code: "custom", path: ["maxBytes"], message: "maxBytes must be at least 2 * segmentBytes" });
    }
    if (o.maxRecordBytes !== undefined && o.maxRecordBytes > o.segmentBytes - 8) {
      ctx.addIssue({ code: "custom", path: ["maxRecordBytes"], message: "maxRecordBytes must be <= segmentBytes - 8" });
    }
  })
  .transform((o) => ({ ...o, maxRecordBytes: o.maxRecordBytes ?? Math.min(MiB, o.segmentBytes - 8) }));

export type SpoolOptions = z.input<typeof SpoolOptionsSchema>;
export type SpoolConfig = z.output<typeof SpoolOptionsSchema>;
