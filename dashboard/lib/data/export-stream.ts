import type { AuditEvent } from "../../../schemas";
import { JsonArrayWriter, csvHeader, eventCsvRow } from "./export-format";

export type ExportFormat = "csv" | "json";

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  json: "application/json; charset=utf-8",
};

/**
 * Pages of events → a byte stream, pulled: the next page is read from the
 * store only when the client has taken the previous one, so a slow download
 * of millions of rows holds one page in memory, not the whole export.
 * A failure after the first byte aborts the stream (the client sees a
 * truncated download and the error is logged by onError), never a
 * silently short file that looks complete.
 */
export function eventExportStream(pages: AsyncGenerator<AuditEvent[]>, format: ExportFormat, onError: (error: unknown) => void, onDone?: (rows: number) => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const json = new JsonArrayWriter();
  let rows = 0;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(format === "csv" ? csvHeader() : json.open()));
          return;
        }
        const next = await pages.next();
        if (next.done) {
          if (format === "json") controller.enqueue(encoder.encode(json.close()));
          controller.close();
          onDone?.(rows);
          return;
        }
        rows += next.value.length;
        const chunk = format === "csv" ? next.value.map(eventCsvRow).join("") : next.value.map((e) => json.row(e)).join("");
        controller.enqueue(encoder.encode(chunk));
      } catch (error) {
        onError(error);
        controller.error(error);
      }
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
}
