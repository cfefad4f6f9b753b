/** Errors of the signing module; each names the file and what to do. */
export class SignError extends Error {
  constructor(message: string, readonly context: Record<string, unknown> = {}) {
    super(message);
    this.name = "SignError";
  }
}

/** The private key is readable by group or others: refuse to sign with a key others may hold. */
export class KeyPermissionError extends SignError {
  constructor(readonly path: string, readonly mode: number) {
    super(
      `private key ${path} has mode ${(mode & 0o777).toString(8).padStart(4, "0")}; it must not be readable by group or others — run: chmod 600 ${path}`,
      { path, mode },
    );
    this.name = "KeyPermissionError";
  }
}

/** The persisted chain state or the spool's tail event cannot be trusted to continue the chain. */
export class ChainStateError extends SignError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(message, context);
    this.name = "ChainStateError";
  }
}
