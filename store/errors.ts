/** A store operation failed; carries which query and the engine's error code. */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly context: { query?: string; table?: string; code?: string; queryId?: string },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StoreError";
  }
}

/** A row came back from the store in a shape the query did not declare. */
export class StoreRowError extends StoreError {
  constructor(query: string, detail: string) {
    super(`query ${query} returned a row that does not match its schema: ${detail}`, { query });
    this.name = "StoreRowError";
  }
}

export function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code: unknown = Reflect.get(error, "code");
  return typeof code === "string" || typeof code === "number" ? String(code) : undefined;
}
