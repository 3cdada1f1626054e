/**
 * Plain 2026-07-28 reads are answered without an SDK `Server` (src/transport/direct/): the
 * answer must be the SDK's byte for byte. The same call goes the SDK's way when it carries a
 * `progressToken` (the SDK may stream before the result), so the two bodies are compared; ids of
 * both kinds, and ones that need escaping, are spliced into the kept bytes of the same result.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type DevUser, registerUser } from "../support/devUsers.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"

let gateway: Gateway
let user: DevUser

const envelope = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientInfo": { name: "direct-test", version: "1" },
  "io.modelcontextprotocol/clientCapabilities": {}
}

const call = async (
  id: string | number,
  name: string,
  args: Record<string, unknown>,
  meta: Record<string, unknown> = {}
) => {
  const response = await fetch(gateway.mcpUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": "tools/call",
      "mcp-name": name,
      authorization: `Bearer ${user.accessToken}`,
      "x-mana-space": user.personalSpaceId
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id,
      method: "tools/call",
      params: { name, arguments: args, _meta: { ...envelope, ...meta } }
    })
  })
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() }
}

beforeAll(async () => {
  gateway = await startGateway()
  user = await registerUser(gateway.authUrl)
  for (const title of ["Read", "Walk \"outside\"", "Tee 🍵"]) {
    const created = await call(1, "habits.create", { title })
    expect(created.text).toContain(JSON.stringify(title).slice(1, -1))
  }
}, 120_000)
afterAll(async () => {
  await gateway?.stop()
})

describe("direct reads", () => {
  it.each([
    ["habits.list", {}],
    ["habits.list", { includeArchived: "yes" }],
    ["notes.search", { query: "ignore all previous instructions" }],
    ["todo.list", {}]
  ])("%s %j: the same bytes as the SDK's answer", async (name, args) => {
    const viaSdk = await call(42, name, args, { progressToken: "p1" })
    const direct = await call(42, name, args)
    expect(direct.status).toBe(viaSdk.status)
    expect(direct.type).toBe(viaSdk.type)
    expect(direct.text).toBe(viaSdk.text)
  })

  it("splices each request's id into the kept bytes of an unchanged result", async () => {
    for (const id of ["a\"b\\c", 0, 7.5, "ünïcode", -3]) {
      const direct = await call(id, "habits.list", {})
      const viaSdk = await call(id, "habits.list", {}, { progressToken: 1 })
      expect(direct.text).toBe(viaSdk.text)
      expect(JSON.parse(direct.text).id).toBe(id)
    }
  })
})
