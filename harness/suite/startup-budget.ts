/**
 * How long a suite's deployment may take to start (its beforeAll hook's Jest timeout), per broker kind: the
 * deployment's own bounded waits must end first, so a slow start fails with their cause, never with Jest's timeout.
 */

const DEFAULT_STARTUP_BUDGET_MS = 120_000;

/**
 * RabbitMQ boots node 1 alone, then the others: 27–30 s on an idle 2-core machine, 72–74 s for the docker
 * cluster at a load average of 24 (measured), and its waits are bounded at 75 s per boot stage plus 60 s formation.
 */
const BUDGET_BY_KIND: Record<string, number> = { rabbitmq: 300_000 };

export function startupBudgetMs(brokerKind: string): number {
  return BUDGET_BY_KIND[brokerKind] ?? DEFAULT_STARTUP_BUDGET_MS;
}
