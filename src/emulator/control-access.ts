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

/** `localhost`, `*.localhost`, 127.0.0.0/8 or ::1, from a Host header or URL host (port allowed). */
export function isLoopbackHostName(host: string): boolean {
  let name = host.trim().toLowerCase();
  if (name.startsWith("[")) name = name.slice(1, name.indexOf("]"));
  else if (name.split(":").length === 2) name = name.split(":")[0]!;
  name = name.replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  return isLoopbackPeer(name);
}

/**
 * Why a control request must be refused although it comes from a loopback peer, or undefined.
 * A browser on this machine is a loopback peer too, so:
 * - the Host must name a loopback address — a DNS-rebound page (`Host: attacker.example`)
 *   could otherwise read `/__emulator/state`, tokens and secrets included;
 * - a request carrying a foreign `Origin` (or `Sec-Fetch-Site: cross-site`) came from a web
 *   page and is refused, so a cross-site `POST /__emulator/reset` does nothing;
 * - a body must be declared `application/json`, which a plain HTML form cannot send.
 */
export function controlRequestProblem(headers: {
  host?: string | undefined;
  origin?: string | undefined;
  "sec-fetch-site"?: string | string[] | undefined;
  "content-type"?: string | undefined;
  bodyBytes: number;
}): string | undefined {
  if (headers.host === undefined || !isLoopbackHostName(headers.host))
    return `The emulator control API answers requests addressed to a loopback host only (Host: ${JSON.stringify(headers.host ?? "")}); use http://127.0.0.1:PORT/__emulator/…`;
  const origin = headers.origin;
  if (origin !== undefined) {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host === undefined || !isLoopbackHostName(host))
      return `The emulator control API refuses requests from web pages (Origin: ${JSON.stringify(origin)})`;
  }
  if (headers["sec-fetch-site"] === "cross-site")
    return "The emulator control API refuses cross-site requests from web pages";
  const type = (headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (headers.bodyBytes > 0 && type !== "application/json")
    return `A control request body must be sent with Content-Type: application/json (got ${type === "" ? "none" : type})`;
  if (headers.bodyBytes === 0 && type !== "" && type !== "application/json")
    return `A control request may only carry Content-Type: application/json (got ${type})`;
  return undefined;
}
