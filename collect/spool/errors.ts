/**
 * Typed spool errors. Each carries the context an operator needs to act
 * (directory, file, byte offset, sizes) as fields, so structured logs keep it.
 */
export interface SpoolErrorContext {
  readonly dir?: string;
  readonly file?: string;
  readonly offset?: number;
  readonly [key: string]: string | number | boolean | undefined;
}

export class SpoolError extends Error {
  readonly context: SpoolErrorContext;
  constructor(message: string, context: SpoolErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.context = context;
  }
}

/** The disk limit is reached. Nothing was written; retry after `waitForSpace()`. */
export class SpoolFullError extends SpoolError {
  readonly usedBytes: number;
  readonly limitBytes: number;
  readonly neededBytes: number;
  constructor(dir: string, usedBytes: number, limitBytes: number, neededBytes: number) {
    super(
      `spool ${dir} is full (${usedBytes} of ${limitBytes} bytes used, ${neededBytes} needed): ` +
        "stop reading sources and wait for the shipper to free space (waitForSpace())",
      { dir, usedBytes, limitBytes, neededBytes },
    );
    this.usedBytes = usedBytes;
    this.limitBytes = limitBytes;
    this.neededBytes = neededBytes;
  }
}

/**
 * A record in the middle of a segment is damaged (bad checksum, impossible
 * length): disk corruption, not a crash tear. The file is left untouched for
 * forensics; the message says how to skip it.
 */
export class SpoolCorruptError extends SpoolError {
  readonly file: string;
  readonly offset: number;
  constructor(file: string, offset: number, reason: string) {
    super(
      `spool segment ${file} is corrupt at byte ${offset} (${reason}). Keep a copy for analysis; ` +
        `to skip it, rename it to ${file}.corrupt and restart (its records after that offset are not shipped)`,
      { file, offset, reason },
    );
    this.file = file;
    this.offset = offset;
  }
}

/** Another live process owns the spool directory. */
export class SpoolLockedError extends SpoolError {
  constructor(lockFile: string, ownerPid: number) {
    super(
      `spool lock ${lockFile} is held by live process ${ownerPid}; two collectors must not share a spool ` +
        "directory. If that pid is not a collector (pid reuse), stop it or remove the lock file by hand",
      { file: lockFile, ownerPid },
    );
  }
}

export class SpoolClosedError extends SpoolError {
  constructor(dir: string) {
    super(`spool ${dir} is closed`, { dir });
  }
}

/** One record can never fit: larger than maxRecordBytes or than the disk limit. */
export class SpoolRecordTooLargeError extends SpoolError {
  constructor(dir: string, bytes: number, limitBytes: number) {
    super(`record of ${bytes} bytes exceeds the spool limit of ${limitBytes} bytes`, { dir, bytes, limitBytes });
  }
}
