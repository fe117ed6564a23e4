/**
 * Client source addresses: a pool of loopback addresses in 127.100.0.0 and up (127.100–127.227.x.y), outside
 * the run blocks 127.0.x.0/24 that harness/net/loopback-block.ts hands out, and outside 127.0.0.0/16 as a
 * whole. Every 127/8 address is local on Linux, so any of them can be bound; each address has its own
 * ephemeral-port range (~28k with the default ip_local_port_range), which is why many clients need many
 * addresses.
 */

export const SOURCE_FIRST_OCTET2 = 100;
const HOSTS_PER_24 = 254; // .1 … .254
export const MAX_SOURCE_ADDRESSES = HOSTS_PER_24 * 256 * 128;

/** The k-th source address of the pool (k ≥ 0): 127.100.0.1, 127.100.0.2, … 127.100.0.254, 127.100.1.1, … */
export function sourceAddress(k: number): string {
  if (!Number.isInteger(k) || k < 0 || k >= MAX_SOURCE_ADDRESSES) throw new Error(`source address index ${k}`);
  const host = (k % HOSTS_PER_24) + 1;
  const per24 = Math.floor(k / HOSTS_PER_24);
  return `127.${SOURCE_FIRST_OCTET2 + Math.floor(per24 / 256)}.${per24 % 256}.${host}`;
}

/** A pool of `size` addresses starting at pool index `offset` (agents take disjoint offsets). */
export interface SourcePool {
  offset: number;
  size: number;
}

/** The address client `index` binds to: clients spread round-robin over the pool. */
export function addressFor(pool: SourcePool, index: number): string {
  if (!(pool.size >= 1)) throw new Error('source pool needs at least one address');
  return sourceAddress(pool.offset + (index % pool.size));
}

/** How many addresses `clients` connections need at `perAddress` connections each (≥ 1). */
export function addressesFor(clients: number, perAddress = 1000): number {
  return Math.max(1, Math.ceil(clients / perAddress));
}
