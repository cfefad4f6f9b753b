export { startDriftJob, type DriftJobHandle } from "./start";
export { DriftJob, type DriftRunResult, type DriftRunOptions } from "./job";
export { DRIFT_STATES, FLAGGED_STATES, type DriftState } from "./states";
export { acceptanceEvent, type AcceptInput } from "./accept";
export { listDrift, getDriftEdit, driftSummary, backportLagSeries } from "./queries";
