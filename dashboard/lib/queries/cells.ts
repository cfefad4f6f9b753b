import { z } from "zod";

/** Row fields as they come back from JSONEachRow: 64-bit counts are strings, converted on purpose. */
export const count = z.coerce.number().int().nonnegative();
/** DateTime64(3,'UTC') comes back as 'YYYY-MM-DD hh:mm:ss.sss'; pages want ISO 8601. */
export const chTime = z.string().transform((s) => (s.includes("T") ? s : `${s.replace(" ", "T")}Z`));
