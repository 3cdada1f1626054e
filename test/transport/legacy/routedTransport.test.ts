/**
 * RoutedTransport: the ids of this server's requests name this instance, and `busy` is true while
 * a request is open in either direction (it keeps a session from hibernating).
 */
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server"
import type { JSONRPCMessage } from "@modelcontextprotocol/server"
import { describe, expect, it } from "vitest"
import { responseOwner, RoutedTransport } from "../../../src/transport/legacy/RoutedTransport.ts"

const routedTransport = () => {
  const routed = new RoutedTransport(
    new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => "s1" }),
    "inst1"
  )
  const received: Array<JSONRPCMessage> = []
  routed.onmessage = (message) => {
    received.push(message)
  }
  // No HTTP stream is open in these tests: the inner transport may refuse to deliver, which is fine here.
  const send = (message: JSONRPCMessage) => routed.send(message).catch(() => undefined)
  return { routed, received, send }
}

describe("RoutedTransport", () => {
  it("prefixes this server's request ids with the instance and restores them on the client's answer", async () => {
    const { received, routed, send } = routedTransport()
    await send({ jsonrpc: "2.0", id: 0, method: "elicitation/create", params: {} })
    expect(responseOwner({ jsonrpc: "2.0", id: "inst1~0", result: {} })).toBe("inst1")
    routed.deliver({ jsonrpc: "2.0", id: "inst1~0", result: { action: "cancel" } })
    expect(received).toEqual([{ jsonrpc: "2.0", id: 0, result: { action: "cancel" } }])
  })

  it("is busy while a client request is unanswered, until it is answered or the client cancels it", async () => {
    const { routed, send } = routedTransport()
    expect(routed.busy).toBe(false)
    routed.deliver({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "x" } })
    routed.deliver({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "y" } })
    expect(routed.busy).toBe(true)
    await send({ jsonrpc: "2.0", id: 1, result: { content: [] } })
    expect(routed.busy).toBe(true)
    // A cancelled request is never answered (the SDK drops its result).
    routed.deliver({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 2 } })
    expect(routed.busy).toBe(false)
  })

  it("is busy while a request of this server awaits the client, until it answers or the server cancels", async () => {
    const { routed, send } = routedTransport()
    await send({ jsonrpc: "2.0", id: 0, method: "elicitation/create", params: {} })
    await send({ jsonrpc: "2.0", id: 1, method: "elicitation/create", params: {} })
    expect(routed.busy).toBe(true)
    routed.deliver({ jsonrpc: "2.0", id: "inst1~0", result: { action: "accept" } })
    expect(routed.busy).toBe(true)
    await send({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1 } })
    expect(routed.busy).toBe(false)
    // Notifications open nothing.
    routed.deliver({ jsonrpc: "2.0", method: "notifications/initialized" })
    expect(routed.busy).toBe(false)
  })
})
