/**
 * Exit-with-parent: when the process that started this node dies, the node is re-parented and
 * `process.ppid` changes. Polled every 500 ms, so a crashed harness leaves no orphan broker behind.
 */
export const PARENT_POLL_MS = 500;

export function watchParent(onParentGone: () => void): NodeJS.Timeout {
  const original = process.ppid;
  const timer = setInterval(function checkParent() {
    if (process.ppid !== original) {
      clearInterval(timer);
      onParentGone();
    }
  }, PARENT_POLL_MS);
  timer.unref();
  return timer;
}
