/**
 * Global `maxconn`: counts client connections over all frontends; above the limit a new connection
 * is refused or waits (paused, unread) for a slot, depending on `global.maxconn_policy`.
 */
import type { MaxconnPolicy } from '../config/types.js';
import { WaitQueue } from './wait-queue.js';

export type GateTicket = 'admitted' | 'queued' | 'refused';

export class ConnectionGate {
  active = 0;
  refused = 0;
  private readonly queue = new WaitQueue();

  constructor(
    public maxconn: number,
    public policy: MaxconnPolicy,
    public queueTimeoutMs: number,
  ) {}

  get queued(): number {
    return this.queue.length;
  }

  /** Fast path: takes a slot when one is free and nobody is queued. */
  tryEnter(): boolean {
    if (this.active < this.maxconn && this.queue.length === 0) {
      this.active++;
      return true;
    }
    return false;
  }

  /**
   * Admits now (`admitted`), or queues `onAdmit` until a slot frees (`queued`; `onExpire` after the
   * queue timeout), or refuses. `setCancel` receives the function that removes a queued entry.
   */
  enter(onAdmit: () => void, onExpire: () => void, setCancel: (cancel: () => void) => void): GateTicket {
    if (this.active < this.maxconn && this.queue.length === 0) {
      this.active++;
      return 'admitted';
    }
    if (this.policy === 'refuse' || this.queue.length >= this.maxconn) {
      this.refused++;
      return 'refused';
    }
    const gate = this;
    setCancel(
      this.queue.add(
        {
          admit() {
            if (gate.active >= gate.maxconn) return false;
            gate.active++;
            onAdmit();
            return true;
          },
          expire: onExpire,
        },
        this.queueTimeoutMs,
      ),
    );
    return 'queued';
  }

  leave(): void {
    this.active--;
    if (this.queue.length > 0) this.queue.drain();
  }

  /** After a reload raised the limit. */
  wake(): void {
    if (this.queue.length > 0) this.queue.drain();
  }
}
