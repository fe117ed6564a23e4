/**
 * What a scenario is doing now and what it did before, so a scenario that overruns its budget ends with a message
 * that says where it was stuck ("fleet: 30 clients connecting for 62 s, after: every server in rotation (0.1 s)").
 */
export class StageLog {
  private current = 'starting';
  private since = Date.now();
  private readonly done: string[] = [];

  constructor(private readonly clock: () => number = Date.now) {
    this.since = clock();
  }

  /** Enters the next stage; the one before is kept with how long it took. */
  set(what: string): void {
    this.done.push(`${this.current} (${seconds(this.clock() - this.since)})`);
    this.current = what;
    this.since = this.clock();
  }

  get now(): string {
    return this.current;
  }

  /** "<stage> for <n> s, after: <the last stages with their durations>". */
  describe(last = 4): string {
    const before = this.done.slice(-last);
    return `${this.current} for ${seconds(this.clock() - this.since)}${before.length ? `, after: ${before.join(' → ')}` : ''}`;
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
