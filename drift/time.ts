/**
 * ClickHouse DateTime64 text ("2026-11-22 08:02:10.000", UTC) as the drift
 * engine reads it. An unmatched ASOF/LEFT JOIN returns the zero DateTime
 * (1970-01-01), which means "none".
 */
export function present(text: string): boolean {
  return text !== "" && !text.startsWith("1970-01-01");
}

export function chMs(text: string): number {
  return Date.parse(`${text.replace(" ", "T")}Z`);
}

export function toIso(text: string): string {
  return new Date(chMs(text)).toISOString();
}
