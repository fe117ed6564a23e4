/**
 * The token-bucket burst for a ramp at `rate` connects/s: 50 ms worth, so a late timer on a busy machine is made
 * up at the next wake-up instead of lowering the rate (a burst of 1 drops every late tick's share).
 */
export function burstFor(rate: number): number {
  return Math.max(1, Math.ceil(rate / 20));
}
