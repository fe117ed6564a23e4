/** How both placements confirm a signal reload by a new pid: the kind's probe answers with another pid than before. */
import type { BalancerKind, MappedConfig } from './kind.js';
import { waitFor } from '../util/wait.js';

export async function waitForNewPid<M extends MappedConfig>(
  kind: BalancerKind<M>,
  admin: string,
  mapped: M,
  before: { pid: number } | undefined,
  confirm: { timeoutMs: number; what: string },
): Promise<void> {
  await waitFor(
    async () => {
      const now = await kind.probe(admin, mapped);
      return now !== undefined && now.pid !== before?.pid;
    },
    { timeoutMs: confirm.timeoutMs, intervalMs: 50, what: confirm.what },
  );
}
