/**
 * Collector-side disk spool (write-ahead buffer) and the shipper loop.
 *
 * Wiring (the collector process):
 *   const spool = await openSpool({ dir, fsync: "always" }, { log });
 *   const shipper = createShipper({ spool, decode, publish: (events) => sink.publish(events) });
 *   const shipping = shipper.start();          // handle its rejection: corrupt spool / undecodable record
 *   await spool.append(encodedEvents);         // before anything is sent; SpoolFullError → stop sources,
 *                                              // await spool.waitForSpace(bytes), retry
 * Shutdown: stop the sources, `await shipper.stop(graceMs)`, then `await spool.close()`
 * (closing the spool first makes a running shipper stop with SpoolClosedError).
 */
export { FsyncPolicySchema, SpoolOptionsSchema, type FsyncPolicy, type SpoolConfig, type SpoolOptions } from "./config";
export {
  SpoolClosedError, SpoolCorruptError, SpoolError, SpoolFullError, SpoolLockedError, SpoolRecordTooLargeError,
  type SpoolErrorContext,
} from "./errors";
export { FRAME_HEADER_BYTES } from "./frame";
export { createShipper, ShipperDecodeError, type Shipper, type ShipperOptions, type ShipperStats } from "./shipper";
export { openSpool, Spool, type AppendResult, type ReadLimits, type SpoolBatch, type SpoolStats } from "./spool";
