/** A timed nap the engine's loops take, cut short by poke() when something changes (a connection settled, stop()). */

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export class Waker {
  private wakeUp: (() => void) | null = null;

  /** Resolves after `ms`, or at the next poke(), whichever comes first. */
  nap(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  poke(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }
}
