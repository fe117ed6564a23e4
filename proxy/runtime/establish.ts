/**
 * Hands a session whose server connection is ready to forwarding: the PROXY header and the inspected CONNECT
 * bytes go first, then direct forwarding (forward.ts), or forwarding through the proxy's toxics when it has any.
 */
import type net from 'node:net';
import type { ToxicCollection } from '../toxics/collection.js';
import { ConnectionToxics, type ToxicOwner } from '../toxics/connection.js';
import { forwardBothWays, unlinkBothWays } from './forward.js';

/** Starts forwarding both ways; returns the connection's toxics when it has any (null: direct forwarding). */
export function startForwarding(
  client: net.Socket,
  up: net.Socket,
  header: Buffer | null,
  firstBytes: Buffer | null,
  toxics: ToxicCollection,
  owner: ToxicOwner,
): ConnectionToxics | null {
  if (toxics.size > 0) {
    if (header) up.write(header);
    const links = new ConnectionToxics(client, up, toxics, owner);
    links.start(firstBytes);
    return links;
  }
  if (header || firstBytes) {
    up.cork();
    if (header) up.write(header);
    if (firstBytes) up.write(firstBytes);
    up.uncork();
  }
  forwardBothWays(client, up);
  return null;
}

/** A toxic was added to a directly forwarding connection: it moves to forwarding through the toxics. */
export function switchToToxics(
  client: net.Socket,
  up: net.Socket,
  toxics: ToxicCollection,
  owner: ToxicOwner,
): ConnectionToxics {
  unlinkBothWays(client, up);
  const links = new ConnectionToxics(client, up, toxics, owner);
  links.start(null);
  return links;
}
