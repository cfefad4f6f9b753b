/**
 * The queue's empty state. With findings elsewhere it is the filters; with
 * none at all it says what fills the queue: the built-in rules and the
 * integrity checks run on their own schedule, and where to add rules.
 */
export function NoFindings({ anyAtAll }: { anyAtAll: boolean }) {
  if (anyAtAll) return <div className="notice empty" data-testid="findings-empty">No findings match these filters. Clear the severity, rule, host or actor filter, or pick another status.</div>;
  return (
    <div className="notice empty" data-testid="findings-empty">
      <strong>No findings yet.</strong> The built-in detection rules (<code>detections/rules</code>, on unless <code>detections.builtin_rules: false</code>) run every{" "}
      <code>detections.interval_seconds</code> (60 s by default) over newly received events, and the integrity checks over signed collector streams. Add your own rules with{" "}
      <code>detections.rule_dirs</code> in prodtrail.yaml; <code>prodtrail detections list</code> shows what runs, <code>prodtrail detections test</code> checks rule fixtures.
    </div>
  );
}
