/**
 * The gateway as an OAuth resource server, end to end against the real `npm start`: tokens are
 * minted with the dev mana-auth's own signing key (read from its data dir), so each test controls
 * exactly one claim — audience (RFC 8707), expiry, `scope`, `mana_space` — and watches the answer.
 */
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client"
import { request as httpRequest } from "node:http"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { devTokenMinter, type MintClaims } from "../support/devTokens.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"
import { structured } from "../support/mcpClients.ts"

let gateway: Gateway
let minter: Awaited<ReturnType<typeof devTokenMinter>>
let personalSpaceId: string
let sharedSpaceId: string

beforeAll(async () => {
  gateway = await startGateway()
  minter = await devTokenMinter(gateway)
  personalSpaceId = gateway.devSpaceId ?? ""
  const spaces = (await (await fetch(`${gateway.authUrl}/api/auth/organization/list`, {
    headers: { authorization: `Bearer ${gateway.devToken}` }
  })).json()) as Array<{ id: string; name: string }>
  sharedSpaceId = spaces.find((space) => space.name === "Dev Team")?.id ?? ""
})
afterAll(async () => {
  await gateway?.stop()
})

const mint = (claims: MintClaims & { readonly aud: string }) => minter.mint(claims)

const post = (token: string, body: unknown, extra: Record<string, string> = {}) =>
  fetch(gateway.mcpUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      authorization: `Bearer ${token}`,
      ...extra
    },
    body: JSON.stringify(body)
  })

const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } }
}
/** A request with a `Host` of our choosing (fetch sets it from the URL): status and JSON body. */
const sendWithHost = (
  url: string,
  host: string,
  init: { method: string; headers?: Record<string, string>; body?: string }
) =>
  new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const target = new URL(url)
    const req = httpRequest({
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: init.method,
      headers: { ...init.headers, host }
    }, (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (chunk: Buffer) => chunks.push(chunk))
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString()
        // An accepted MCP request may answer with an SSE stream: not JSON, and not a refusal.
        resolve({ status: res.statusCode ?? 0, body: text.startsWith("{") ? JSON.parse(text) : { text } })
      })
    })
    req.on("error", reject)
    req.end(init.body)
  })

const callTool = (name: string) => ({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name, arguments: {} } })

const connectWith = async (token: string, space?: string) => {
  const transport = new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), {
    requestInit: {
      headers: { authorization: `Bearer ${token}`, ...(space === undefined ? {} : { "x-mana-space": space }) }
    }
  })
  const client = new Client({ name: "e2e-resource-server", version: "1.0.0" }, {
    versionNegotiation: { mode: { pin: "2026-07-28" } }
  })
  await client.connect(transport)
  return client
}

describe("the gateway as an OAuth resource server", () => {
  it("lists the scopes in its RFC 9728 document, readable from any browser origin", async () => {
    const url = `${gateway.baseUrl}/.well-known/oauth-protected-resource`
    const response = await fetch(url, { headers: { origin: "http://localhost:6274" } })
    expect(response.headers.get("access-control-allow-origin")).toBe("*")
    const preflight = await fetch(url, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:6274", "access-control-request-headers": "mcp-protocol-version" }
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get("access-control-allow-headers")).toContain("mcp-protocol-version")
    const document = (await response.json()) as Record<string, unknown>
    expect(document["resource"]).toBe(gateway.mcpUrl)
    expect(document["scopes_supported"]).toEqual(["mana.read", "mana.write", "mana.destructive"])
    expect(document["authorization_servers"]).toEqual([gateway.authUrl])
  })

  it("acts in the token's granted space without X-Mana-Space", async () => {
    const token = await mint({ aud: gateway.mcpUrl, scope: "mana.read mana.write", mana_space: sharedSpaceId })
    const client = await connectWith(token)
    const title = `shared-${crypto.randomUUID().slice(0, 8)}`
    await structured(client, "habits.create", { title })
    const listed = await structured(client, "habits.list")
    expect(listed["habits"].map((habit: { title: string }) => habit.title)).toContain(title)
    // The other spaces were not granted: the agent does not even see them.
    const spaces = await structured(client, "spaces.list")
    expect(spaces["spaces"].map((space: { id: string }) => space.id)).toEqual([sharedSpaceId])
    expect(spaces["activeSpaceId"]).toBe(sharedSpaceId)
    await client.close()
    // It landed in the shared space, not the personal one.
    const personal = await connectWith(gateway.devToken ?? "", personalSpaceId)
    const inPersonal = await structured(personal, "habits.list")
    expect(inPersonal["habits"].map((habit: { title: string }) => habit.title)).not.toContain(title)
    await personal.close()
  })

  it("answers 401 invalid_token for a token minted for another resource", async () => {
    const other = gateway.mcpUrl.replace("127.0.0.1", "localhost")
    for (const aud of ["https://other.example/mcp", other]) {
      const response = await post(await mint({ aud, scope: "mana.read", mana_space: sharedSpaceId }), initialize)
      expect(response.status).toBe(401)
      expect(response.headers.get("www-authenticate")).toContain("error=\"invalid_token\"")
      expect(((await response.json()) as { reason: string }).reason).toBe("wrong-audience")
    }
  })

  it("a second gateway on the same mana-auth refuses a token minted for the first, even sent with the first's Host", async () => {
    // Gateway B: production mode against A's mana-auth and mana-sync, no PUBLIC_URL.
    const other = await startGateway({ MANA_AUTH_URL: gateway.authUrl, MANA_SYNC_URL: gateway.syncUrl })
    try {
      expect(other.output()).toContain(
        `OAuth resource (accepted token audience): ${other.mcpUrl}, from the bound address`
      )
      const forA = await mint({ aud: gateway.mcpUrl, scope: "mana.read", mana_space: sharedSpaceId })
      const hostOfA = new URL(gateway.mcpUrl).host
      const refused = await sendWithHost(other.mcpUrl, hostOfA, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          authorization: `Bearer ${forA}`
        },
        body: JSON.stringify(initialize)
      })
      expect(refused.status).toBe(401)
      expect(refused.body["reason"]).toBe("wrong-audience")
      // B's RFC 9728 document names B, whatever Host it is sent.
      const document = await sendWithHost(`${other.baseUrl}/.well-known/oauth-protected-resource`, hostOfA, {
        method: "GET"
      })
      expect(document.body["resource"]).toBe(other.mcpUrl)
      // A itself accepts that token.
      expect((await post(forA, initialize)).status).toBe(200)
    } finally {
      await other.stop()
    }
  })

  it("answers 401 error=\"invalid_token\" for an expired token", async () => {
    const response = await post(await mint({ aud: gateway.mcpUrl, expiresIn: -120 }), initialize, {
      "x-mana-space": personalSpaceId
    })
    expect(response.status).toBe(401)
    expect(response.headers.get("www-authenticate")).toMatch(
      /^Bearer resource_metadata="[^"]+\/\.well-known\/oauth-protected-resource", error="invalid_token"/
    )
    expect(((await response.json()) as { reason: string }).reason).toBe("expired")
  })

  it("refuses a write tool to a read-only token with HTTP 403 insufficient_scope naming mana.write", async () => {
    const token = await mint({ aud: gateway.mcpUrl, scope: "mana.read", mana_space: sharedSpaceId })
    const refused = await post(token, callTool("habits.create"), { "mcp-protocol-version": "2026-07-28" })
    expect(refused.status).toBe(403)
    const challenge = refused.headers.get("www-authenticate") ?? ""
    expect(challenge).toContain("error=\"insufficient_scope\"")
    expect(challenge).toContain("scope=\"mana.write\"")
    expect(((await refused.json()) as { requiredScope: string }).requiredScope).toBe("mana.write")
    const client = await connectWith(token)
    expect((await structured(client, "habits.list"))["habits"]).toBeInstanceOf(Array)
    await client.close()
  })

  it("answers 403 naming both spaces when X-Mana-Space differs from the granted one", async () => {
    const token = await mint({ aud: gateway.mcpUrl, scope: "mana.read", mana_space: sharedSpaceId })
    const response = await post(token, initialize, { "x-mana-space": personalSpaceId })
    expect(response.status).toBe(403)
    const body = (await response.json()) as { error: string; message: string }
    expect(body.error).toBe("space_mismatch")
    expect(body.message).toContain(sharedSpaceId)
    expect(body.message).toContain(personalSpaceId)
  })
})
