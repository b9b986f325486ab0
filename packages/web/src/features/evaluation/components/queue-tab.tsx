/** Job queue tab (being built). */
export function QueueTab() {
  return <p className="text-sm text-fg-muted">The job queue loads here.</p>;
}
