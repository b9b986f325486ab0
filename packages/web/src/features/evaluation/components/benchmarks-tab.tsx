/** Benchmarks tab (being built). */
export function BenchmarksTab() {
  return <p className="text-sm text-fg-muted">Benchmarks load here.</p>;
}
