/** A proxy must keep serving other connections when one code path throws: log it as internal-error and carry on. */
import { errorText, type Logger } from './log.js';

/** Logs uncaught exceptions and unhandled rejections of this thread (main or forwarding worker) instead of dying. */
export function logUncaught(logger: Logger): void {
  process.on('uncaughtException', function onUncaught(err) {
    logger.error('internal-error', { error: errorText(err), stack: err instanceof Error ? err.stack : undefined });
  });
  process.on('unhandledRejection', function onUnhandled(reason) {
    logger.error('internal-error', {
      error: errorText(reason),
      stack: reason instanceof Error ? reason.stack : undefined,
    });
  });
}
