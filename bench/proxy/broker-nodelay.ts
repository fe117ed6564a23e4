/**
 * Preloaded into the stand-in node (`node --import`) by the bench: TCP_NODELAY on every socket its
 * listeners accept, as EMQX does by default (`tcp_options.nodelay = true`). Without it the stand-in's
 * small writes wait for Nagle's algorithm: ~10 ms publish → receive at 1k msg/s and more, which buries
 * the sub-millisecond latency a balancer adds (measured: p50 direct 9.7 ms with Nagle, 0.3–0.5 ms without).
 */
import net from 'node:net';

type Emit = (this: net.Server, event: string | symbol, ...args: unknown[]) => boolean;
const proto = net.Server.prototype as unknown as { emit: Emit };
const originalEmit = proto.emit;

proto.emit = function emitWithNoDelay(event, ...args) {
  if (event === 'connection' && args[0] instanceof net.Socket) args[0].setNoDelay(true);
  return originalEmit.call(this, event, ...args);
};
