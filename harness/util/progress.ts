/** Progress lines on stderr (not captured by Jest), so users see phases of anything slower than a few seconds. */
export function progress(message: string): void {
  if (process.env.MQTT_LB_QUIET === '1') return;
  const t = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[mqtt-lb ${t}] ${message}\n`);
}
