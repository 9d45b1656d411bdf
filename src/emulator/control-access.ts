/**
 * Who may use the control API (SPEC §7): loopback peers only. The check reads the peer address
 * of the TCP socket, so a listener bound to 0.0.0.0 still refuses control calls from other
 * machines while answering the public API.
 */
import { isIP } from "node:net";

/** True for 127.0.0.0/8, ::1 and IPv4-mapped 127.0.0.0/8 (`::ffff:127.x.y.z`). */
export function isLoopbackPeer(remoteAddress: string | undefined): boolean {
  if (remoteAddress === undefined) return false;
  const address = remoteAddress.toLowerCase();
  if (address === "::1") return true;
  const v4 = address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
  return isIP(v4) === 4 && v4.split(".")[0] === "127";
}
