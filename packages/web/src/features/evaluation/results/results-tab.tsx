/** The Results tab: compare finished evaluations and export a report. */
export function ResultsTab(): React.JSX.Element {
  return <p className="text-sm text-fg-muted">Results load here.</p>;
}
