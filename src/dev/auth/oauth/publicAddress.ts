/**
 * Which IP addresses a client-named URL may reach: public unicast only. Loopback, private
 * (RFC 1918, unique local), link-local, carrier-grade NAT, documentation, benchmarking,
 * multicast, reserved, and the IPv6 forms that embed an IPv4 address someone could aim at an
 * inside host (mapped, NAT64, 6to4, Teredo) are not public. IPv4-mapped IPv6 addresses are
 * judged by the IPv4 rules (node's BlockList does that itself).
 */
import { BlockList, isIP } from "node:net"

const notPublic = new BlockList()
for (
  const [network, prefix] of [
    ["0.0.0.0", 8],
    ["10.0.0.0", 8],
    ["100.64.0.0", 10],
    ["127.0.0.0", 8],
    ["169.254.0.0", 16],
    ["172.16.0.0", 12],
    ["192.0.0.0", 24],
    ["192.0.2.0", 24],
    ["192.88.99.0", 24],
    ["192.168.0.0", 16],
    ["198.18.0.0", 15],
    ["198.51.100.0", 24],
    ["203.0.113.0", 24],
    ["224.0.0.0", 4],
    ["240.0.0.0", 4]
  ] as const
) notPublic.addSubnet(network, prefix, "ipv4")
for (
  const [network, prefix] of [
    ["::", 128],
    ["::1", 128],
    ["64:ff9b::", 96],
    ["64:ff9b:1::", 48],
    ["100::", 64],
    ["2001::", 23],
    ["2001:db8::", 32],
    ["2002::", 16],
    ["fc00::", 7],
    ["fe80::", 10],
    ["fec0::", 10],
    ["ff00::", 8]
  ] as const
) notPublic.addSubnet(network, prefix, "ipv6")

/** True for a public unicast IP address; false for anything else, including a host name. */
export const isPublicAddress = (address: string): boolean => {
  const family = isIP(address)
  if (family === 0) return false
  return !notPublic.check(address, family === 4 ? "ipv4" : "ipv6")
}

/**
 * True when a server bound to `host` is reachable from this computer only (a loopback address or
 * `localhost`). `0.0.0.0`, `::` and any other interface reach beyond it.
 */
export const isLoopbackBind = (host: string): boolean => {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase()
  const family = isIP(bare)
  return bare === "localhost" || (family === 4 && bare.startsWith("127.")) || (family === 6 && bare === "::1")
}
