/**
 * Cleanup that must go on when one part fails (stopping a deployment, a scenario, a container): the failure is
 * written to stderr with what it means, and never thrown over the parts still to stop.
 */
export function logFailure(what: string, consequence = "the run's sweep removes what is left"): (err: unknown) => void {
  return function onCleanupFailed(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`[mqtt-lb] ${what} failed: ${message} (${consequence})\n`);
  };
}
