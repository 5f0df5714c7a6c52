import dns from "node:dns";
import net from "node:net";

/**
 * Addresses a webhook must never reach in production (docs/contract.md § Webhooks, "Safety"):
 * loopback, private, link-local (which holds the cloud metadata services at
 * 169.254.169.254 and fd00:ec2::254), carrier-grade NAT, multicast, reserved and
 * unspecified ranges, in both families.
 */
const BLOCKED = new net.BlockList();
for (const [prefix, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  BLOCKED.addSubnet(prefix, bits, "ipv4");
for (const [prefix, bits] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const)
  BLOCKED.addSubnet(prefix, bits, "ipv6");

/** True when `address` (an IP literal) is one a webhook may not be sent to in production. */
export function isBlockedAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return true;
  if (family === 4) return BLOCKED.check(address, "ipv4");
  const lower = address.toLowerCase();
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible forms are judged as the IPv4 address they carry.
  const mapped = /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return BLOCKED.check(mapped[1]!, "ipv4");
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hexMapped) {
    const high = Number.parseInt(hexMapped[1]!, 16);
    const low = Number.parseInt(hexMapped[2]!, 16);
    return BLOCKED.check(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, "ipv4");
  }
  return BLOCKED.check(address, "ipv6");
}

export class WebhookUrlError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "WebhookUrlError";
  }
}

export interface UrlPolicy {
  /** Production: https only, and no loopback, private, link-local or metadata addresses. */
  strict: boolean;
}

/**
 * Checks a webhook URL at registration (and again before every delivery): a
 * parseable http(s) URL without credentials; in strict mode https only, and
 * every address its host resolves to must be public. Throws WebhookUrlError with
 * a short reason meant for the user.
 */
export async function checkWebhookUrl(raw: string, policy: UrlPolicy): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlError("must be an absolute http(s) URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new WebhookUrlError("must be an absolute http(s) URL");
  if (url.username || url.password) throw new WebhookUrlError("must not carry credentials");
  if (!policy.strict) return url;
  if (url.protocol !== "https:") throw new WebhookUrlError("must use https");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (net.isIP(host)) {
    if (isBlockedAddress(host)) throw new WebhookUrlError("must not point at a private or local address");
    return url;
  }
  let addresses: dns.LookupAddress[];
  try {
    addresses = await dns.promises.lookup(host, { all: true, verbatim: true });
  } catch {
    throw new WebhookUrlError("host does not resolve");
  }
  if (addresses.length === 0) throw new WebhookUrlError("host does not resolve");
  if (addresses.some((a) => isBlockedAddress(a.address)))
    throw new WebhookUrlError("must not point at a private or local address");
  return url;
}

/**
 * A `lookup` for http.request that refuses blocked addresses at connect time, so
 * a host that resolved to a public address at registration cannot be re-pointed
 * at an internal one later (DNS rebinding): the address checked is the address
 * connected to.
 */
export const guardedLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses) => {
    if (error) return callback(error, "", 0);
    const list = addresses as unknown as dns.LookupAddress[];
    const allowed = list.filter((a) => !isBlockedAddress(a.address));
    if (allowed.length === 0 || allowed.length !== list.length) {
      const refused = Object.assign(new Error("refused address"), { code: "ERR_WEBHOOK_REFUSED_ADDRESS" });
      return callback(refused, "", 0);
    }
    if ((options as dns.LookupOptions).all)
      return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, allowed);
    callback(null, allowed[0]!.address, allowed[0]!.family);
  });
};
