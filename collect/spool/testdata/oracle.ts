/**
 * Oracle for the SIGKILL test. Record ids are `round:index`, appended in
 * index order within a round and rounds in order, so spool order is
 * (round, index) order. Given
 * - `resolved`: ids whose append had resolved (the child logged it after the await),
 * - `delivered`: batches the sink confirmed, in order, tagged with the child's round,
 * - `unacked`: what the reopened spool still holds,
 * it returns every violation of the contract (empty = pass):
 * 1. every resolved id was delivered or is still unacked (nothing lost);
 * 2. no id is twice in the spool, nor twice in one batch;
 * 3. an id delivered again is only a resend of the batch in flight at a
 *    crash: it belongs to the immediately preceding batch, from an earlier round;
 * 4. ids both delivered and still unacked belong to the last delivered batch;
 * 5. first occurrences follow append order.
 */
export interface DeliveredBatch { round: number; ids: string[] }
export interface OracleInput { resolved: readonly string[]; delivered: readonly DeliveredBatch[]; unacked: readonly string[] }

function order(id: string): [number, number] | null {
  const m = /^(\d+):(\d+)$/.exec(id);
  return m?.[1] === undefined || m[2] === undefined ? null : [Number(m[1]), Number(m[2])];
}

export function checkSpoolOracle({ resolved, delivered, unacked }: OracleInput): string[] {
  const violations: string[] = [];
  const seen = new Set<string>();
  let prev: DeliveredBatch | undefined;
  for (const [j, batch] of delivered.entries()) {
    if (new Set(batch.ids).size !== batch.ids.length) violations.push(`batch ${j} holds a duplicate id`);
    for (const id of batch.ids) {
      if (!seen.has(id)) continue;
      const legalResend = prev !== undefined && prev.round < batch.round && prev.ids.includes(id);
      if (!legalResend) violations.push(`${id} delivered again in batch ${j} (round ${batch.round}) outside a crash resend`);
    }
    for (const id of batch.ids) seen.add(id);
    prev = batch;
  }
  const inSpool = new Set<string>();
  for (const id of unacked) {
    if (inSpool.has(id)) violations.push(`${id} is twice in the spool`);
    inSpool.add(id);
    if (seen.has(id) && !(prev?.ids.includes(id) ?? false)) violations.push(`${id} is still unacked but was delivered before the last batch`);
  }
  for (const id of resolved) {
    if (!seen.has(id) && !inSpool.has(id)) violations.push(`${id} was appended (resolved) but is neither delivered nor in the spool`);
  }
  const firsts: string[] = [];
  const once = new Set<string>();
  for (const id of [...delivered.flatMap((b) => b.ids), ...unacked]) {
    if (!once.has(id)) firsts.push(id);
    once.add(id);
  }
  let last: [number, number] = [-1, -1];
  for (const id of firsts) {
    const o = order(id);
    if (o === null) {
      violations.push(`${JSON.stringify(id)} is not an id the writer produces`);
      continue;
    }
    if (o[0] < last[0] || (o[0] === last[0] && o[1] <= last[1])) violations.push(`${id} is out of append order (after ${last.join(":")})`);
    last = o;
  }
  return violations;
}
