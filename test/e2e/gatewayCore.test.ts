/**
 * Gateway core end to end: the real `npm start` entry in local mode, real JWTs from the dev
 * mana-auth, the MCP SDK client over Streamable HTTP. Covers auth, spaces, sessions, Origin.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { createServer, request as httpRequest } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createSpace, type DevUser, loginUser, registerUser } from "../support/devUsers.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"
import { connectLegacy, headersFor } from "../support/mcpClients.ts"

const initializeBody = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } }
}
const jsonHeaders = { "content-type": "application/json", accept: "application/json, text/event-stream" }

let gateway: Gateway
let alice: DevUser
let bob: DevUser

beforeAll(async () => {
  gateway = await startGateway()
  alice = await registerUser(gateway.authUrl)
  bob = await registerUser(gateway.authUrl)
})
afterAll(async () => {
  await gateway?.stop()
})

const openRawSession = async (user: DevUser) => {
  const response = await fetch(gateway.mcpUrl, {
    method: "POST",
    headers: { ...jsonHeaders, ...headersFor({ token: user.accessToken, spaceId: user.personalSpaceId }) },
    body: JSON.stringify(initializeBody)
  })
  expect(response.status).toBe(200)
  await response.body?.cancel()
  const id = response.headers.get("mcp-session-id")
  expect(id).toBeTruthy()
  return id ?? ""
}

const pingWith = (user: DevUser, sessionId: string, spaceId = user.personalSpaceId) =>
  fetch(gateway.mcpUrl, {
    method: "POST",
    headers: {
      ...jsonHeaders,
      ...headersFor({ token: user.accessToken, spaceId }),
      "mcp-session-id": sessionId,
      "mcp-protocol-version": "2025-11-25"
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" })
  })

describe("gateway core (npm start, local mode)", () => {
  it("prints a working .mcp.json: the SDK client connects with the printed token and space, pings and lists tools", async () => {
    expect(gateway.output()).toContain("\"mcpServers\"")
    expect(gateway.devToken).toBeTruthy()
    const { client } = await connectLegacy(gateway.mcpUrl, {
      token: gateway.devToken ?? "",
      spaceId: gateway.devSpaceId ?? ""
    })
    await client.ping()
    const { tools } = await client.listTools()
    expect(tools.map((tool) => tool.name)).toContain("spaces.list")
    await client.close()
  })

  it("answers 401 with a resource_metadata challenge when unauthenticated, and serves that document", async () => {
    const response = await fetch(gateway.mcpUrl, {
      method: "POST",
      headers: jsonHeaders,
      body: JSON.stringify(initializeBody)
    })
    expect(response.status).toBe(401)
    const challenge = response.headers.get("www-authenticate") ?? ""
    expect(challenge).toMatch(/^Bearer resource_metadata="http:\/\/.+\/\.well-known\/oauth-protected-resource"/)
    const body = await response.json()
    expect(body.reason).toBe("missing-header")
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1] ?? ""
    const metadata = await (await fetch(metadataUrl)).json()
    expect(metadata.authorization_servers).toEqual([gateway.authUrl])
    expect(metadata.bearer_methods_supported).toEqual(["header"])
    expect(metadata.resource).toBe(gateway.mcpUrl.replace("localhost", new URL(metadataUrl).hostname))
  })

  it("rejects a garbage token as malformed (401, exact reason)", async () => {
    const response = await fetch(gateway.mcpUrl, {
      method: "POST",
      headers: { ...jsonHeaders, authorization: "Bearer not-a-jwt", "x-mana-space": alice.personalSpaceId },
      body: JSON.stringify(initializeBody)
    })
    expect(response.status).toBe(401)
    expect((await response.json()).reason).toBe("malformed")
  })

  it("requires X-Mana-Space (400 listing the caller's spaces) and refuses a foreign space (403)", async () => {
    const missing = await fetch(gateway.mcpUrl, {
      method: "POST",
      headers: { ...jsonHeaders, authorization: `Bearer ${alice.accessToken}` },
      body: JSON.stringify(initializeBody)
    })
    expect(missing.status).toBe(400)
    const missingBody = await missing.json()
    expect(missingBody.message).toContain(alice.personalSpaceId)
    expect(missingBody.spaces.map((space: { id: string }) => space.id)).toContain(alice.personalSpaceId)

    const foreign = await fetch(gateway.mcpUrl, {
      method: "POST",
      headers: { ...jsonHeaders, ...headersFor({ token: alice.accessToken, spaceId: bob.personalSpaceId }) },
      body: JSON.stringify(initializeBody)
    })
    expect(foreign.status).toBe(403)
  })

  it("enforces session ownership: another user's id → 403, unknown → 404, DELETE then reuse → 404", async () => {
    const sessionId = await openRawSession(alice)
    expect((await pingWith(alice, sessionId)).status).toBe(200)
    expect((await pingWith(bob, sessionId)).status).toBe(403)
    expect((await pingWith(alice, crypto.randomUUID())).status).toBe(404)

    const deleted = await fetch(gateway.mcpUrl, {
      method: "DELETE",
      headers: {
        ...headersFor({ token: alice.accessToken, spaceId: alice.personalSpaceId }),
        "mcp-session-id": sessionId,
        "mcp-protocol-version": "2025-11-25"
      }
    })
    expect(deleted.status).toBe(200)
    expect((await pingWith(alice, sessionId)).status).toBe(404)
  })

  it("lets a session switch space per request: a tool call uses the space of its own HTTP request", async () => {
    const team = await createSpace(gateway.authUrl, alice, "Team A")
    const sessionId = await openRawSession(alice)
    // A space missing from the cached list is re-checked upstream once the list is older than 1 s.
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    expect((await pingWith(alice, sessionId, team)).status).toBe(200)
    expect((await pingWith(alice, sessionId, bob.personalSpaceId)).status).toBe(403)

    const activeSpaceIn = async (spaceId: string) => {
      const response = await fetch(gateway.mcpUrl, {
        method: "POST",
        headers: {
          ...jsonHeaders,
          ...headersFor({ token: alice.accessToken, spaceId }),
          "mcp-session-id": sessionId,
          "mcp-protocol-version": "2025-11-25"
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 3,
          method: "tools/call",
          params: { name: "spaces.list", arguments: {} }
        })
      })
      const text = await response.text()
      // The answer is JSON or a one-event SSE stream, depending on the transport's choice.
      const json = JSON.parse(text.startsWith("{") ? text : (/^data: (.*)$/m.exec(text)?.[1] ?? "{}"))
      return json.result.structuredContent.activeSpaceId
    }
    expect(await activeSpaceIn(team)).toBe(team)
    expect(await activeSpaceIn(alice.personalSpaceId)).toBe(alice.personalSpaceId)

    // A refreshed token (a new login of the same user) keeps working in the same session.
    const refreshed = await loginUser(gateway.authUrl, alice.email, "correct-horse-battery")
    expect(refreshed.accessToken).not.toBe(alice.accessToken)
    expect((await pingWith(refreshed, sessionId)).status).toBe(200)
  })

  it("refuses a foreign Origin and a foreign Host with 403 (DNS-rebinding protection), answers CORS for allowed origins", async () => {
    const badOrigin = await fetch(gateway.mcpUrl, {
      method: "POST",
      headers: {
        ...jsonHeaders,
        ...headersFor({ token: alice.accessToken, spaceId: alice.personalSpaceId }),
        origin: "http://evil.example"
      },
      body: JSON.stringify(initializeBody)
    })
    expect(badOrigin.status).toBe(403)
    const lookalike = await fetch(gateway.mcpUrl, {
      method: "POST",
      headers: {
        ...jsonHeaders,
        ...headersFor({ token: alice.accessToken, spaceId: alice.personalSpaceId }),
        origin: "http://127.evil.example"
      },
      body: JSON.stringify(initializeBody)
    })
    expect(lookalike.status).toBe(403)
    const loopbackPage = await fetch(gateway.mcpUrl, {
      method: "POST",
      headers: {
        ...jsonHeaders,
        ...headersFor({ token: alice.accessToken, spaceId: alice.personalSpaceId }),
        origin: "http://127.0.0.1:9"
      },
      body: JSON.stringify(initializeBody)
    })
    expect(loopbackPage.status).toBe(200)
    expect(loopbackPage.headers.get("access-control-allow-origin")).toBeNull()
    await loopbackPage.body?.cancel()
    // fetch() cannot forge Host; a raw request can, as a DNS-rebinding page effectively does.
    const url = new URL(gateway.mcpUrl)
    const badHost = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({
        host: "127.0.0.1",
        port: url.port,
        path: "/mcp",
        method: "POST",
        headers: {
          ...jsonHeaders,
          ...headersFor({ token: alice.accessToken, spaceId: alice.personalSpaceId }),
          host: `evil.example:${url.port}`
        }
      }, (response) => {
        response.resume()
        resolve(response.statusCode ?? 0)
      })
      req.on("error", reject)
      req.end(JSON.stringify(initializeBody))
    })
    expect(badHost).toBe(403)
    const preflight = await fetch(gateway.mcpUrl, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:5173", "access-control-request-method": "POST" }
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://localhost:5173")
    expect(preflight.headers.get("access-control-allow-headers")).toContain("x-mana-space")
  })

  it("refuses bad requests with clear answers instead of 500s: media type, size, JSON, method", async () => {
    const auth = headersFor({ token: alice.accessToken, spaceId: alice.personalSpaceId })
    const post = (headers: Record<string, string>, body: string) =>
      fetch(gateway.mcpUrl, {
        method: "POST",
        headers: { accept: "application/json, text/event-stream", ...auth, ...headers },
        body
      })
    const textBody = await post({ "content-type": "text/plain" }, JSON.stringify(initializeBody))
    expect(textBody.status).toBe(415)
    expect((await textBody.json()).message).toContain("application/json")
    const huge = await post({ "content-type": "application/json" }, `{"pad":"${"x".repeat(4 * 1024 * 1024)}"}`)
    expect(huge.status).toBe(413)
    const broken = await post({ "content-type": "application/json" }, "{not json")
    expect(broken.status).toBe(400)
    expect((await broken.json()).error.code).toBe(-32700)
    const put = await fetch(gateway.mcpUrl, { method: "PUT", headers: auth })
    expect(put.status).toBe(405)
    expect(put.headers.get("allow")).toContain("POST")
  })

  it("reports health and Prometheus metrics with the service label and active sessions", async () => {
    const health = await (await fetch(`${gateway.baseUrl}/health`)).json()
    expect(health).toMatchObject({ status: "ok", service: "mana-mcp", registry: { loaded: true } })
    expect(health.registry.tools).toBeGreaterThan(0)
    const metrics = await (await fetch(`${gateway.baseUrl}/metrics`)).text()
    expect(metrics).toMatch(/^mana_mcp_sessions_active\{service="mana-mcp"\} \d+/m)
    expect(metrics).toMatch(/^mana_mcp_process_cpu_user_seconds_total\{service="mana-mcp"\}/m)
  })
})

describe("start-up configuration", () => {
  const bun = join(import.meta.dirname, "..", "..", "node_modules", ".bin", "bun")
  const entry = join(import.meta.dirname, "..", "..", "src", "main.ts")

  it("stops with one line naming the variable, the bad value and what is accepted", () => {
    const run = spawnSync(bun, [entry], {
      env: { ...process.env, POLICY_MODE: "strict" },
      encoding: "utf8",
      timeout: 20_000
    })
    expect(run.status).toBe(1)
    const lines = run.stderr.trim().split("\n")
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain("POLICY_MODE=\"strict\"")
    expect(lines[0]).toContain("off, log-only, enforce")
  })

  it("names the server and the setting when a port is taken, in one line", async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve))
    const address = blocker.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    const run = spawnSync(bun, [entry], {
      env: {
        ...process.env,
        PORT: "0",
        DEV_AUTH_PORT: String(port),
        DEV_SYNC_PORT: "0",
        MANA_DEV_DATA_DIR: mkdtempSync(join(tmpdir(), "mana-port-"))
      },
      encoding: "utf8",
      timeout: 20_000
    })
    blocker.close()
    expect(run.status).toBe(1)
    expect(run.stderr.trim().split("\n")).toEqual([
      `mana-mcp: cannot listen on 127.0.0.1:${port} for the dev mana-auth (is the port in use?); set DEV_AUTH_PORT to a free port, or 0 to pick one`
    ])
  })

  it("names a corrupt dev data file in one line, without quoting its contents", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "mana-corrupt-"))
    writeFileSync(
      join(dataDir, "auth.json"),
      JSON.stringify({ version: 1, users: [{ masterKey: "c2VjcmV0LWtleS1tYXRlcmlhbA==" }] })
    )
    const run = spawnSync(bun, [entry], {
      env: { ...process.env, PORT: "0", DEV_AUTH_PORT: "0", DEV_SYNC_PORT: "0", MANA_DEV_DATA_DIR: dataDir },
      encoding: "utf8",
      timeout: 20_000
    })
    expect(run.status).toBe(1)
    const lines = run.stderr.trim().split("\n")
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain(join(dataDir, "auth.json"))
    expect(run.stderr + run.stdout).not.toContain("c2VjcmV0LWtleS1tYXRlcmlhbA==")
  })

  it("refuses exactly one upstream URL", () => {
    const run = spawnSync(bun, [entry], {
      env: { ...process.env, MANA_AUTH_URL: "http://localhost:1" },
      encoding: "utf8",
      timeout: 20_000
    })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain("MANA_AUTH_URL is set but MANA_SYNC_URL is not")
  })
})
