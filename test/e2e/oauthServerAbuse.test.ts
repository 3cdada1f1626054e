/**
 * The dev authorization server of the real `npm start` (local mode) under abuse, over real HTTP
 * (issue #28, findings 2, 4, 9, 10, 12, 13, 14). Local mode allows loopback client metadata
 * documents (its clients run on this computer), so the fetch bounds are what protects it: a huge
 * document is cut off, and every failure reads the same. The registration rate test runs last: it
 * spends this address's registration budget.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { metadataDocument, startDocumentServer, streamHugeDocument } from "../support/documentServer.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"
import {
  authorizeAndConsent,
  authorizeUrl,
  fetchSend,
  pkcePair,
  registerClient,
  tokenRequest
} from "../support/oauthFlow.ts"

let gateway: Gateway
const redirectUri = "http://127.0.0.1/callback"

beforeAll(async () => {
  gateway = await startGateway()
})
afterAll(async () => {
  await gateway?.stop()
})

const resource = () => gateway.mcpUrl

const authorize = async (clientId: string) => {
  const { challenge } = await pkcePair()
  const response = await fetchSend(
    new Request(authorizeUrl(gateway.authUrl, {
      response_type: "code",
      client_id: clientId,
      redirect_uri: redirectUri,
      code_challenge: challenge,
      code_challenge_method: "S256",
      resource: resource()
    }))
  )
  return { status: response.status, html: await response.text() }
}

const register = async (body: string) => {
  const response = await fetch(`${gateway.authUrl}/oauth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body
  })
  return {
    status: response.status,
    error: ((await response.json()) as Record<string, unknown>)["error"],
    retryAfter: response.headers.get("retry-after")
  }
}

describe("dev authorization server under abuse (real HTTP)", () => {
  it("cuts a huge client metadata document off at 64 KiB and answers the same page for every failure", async () => {
    const server = await startDocumentServer((request, response, self) => {
      if (request.url === "/huge.json") return streamHugeDocument(response, self, 64 * 1024 * 1024)
      if (request.url === "/missing.json") return void response.writeHead(404).end()
      response.end("not json")
    })
    const closed = await startDocumentServer(() => {})
    await closed.close()
    try {
      const pages = [
        await authorize(`${server.base}/huge.json`),
        await authorize(`${server.base}/missing.json`),
        await authorize(`${server.base}/text.json`),
        await authorize(`${closed.base}/client.json`)
      ]
      expect(pages.map((page) => page.status)).toEqual([400, 400, 400, 400])
      expect(new Set(pages.map((page) => page.html)).size).toBe(1)
      expect(server.finished()).toBe(2) // the 404 and the text; never the 64 MiB
    } finally {
      await server.close()
    }
  })

  it("accepts a loopback client metadata document in local mode", async () => {
    const server = await startDocumentServer((_request, response, self) =>
      response.end(metadataDocument(self, redirectUri))
    )
    try {
      expect((await authorize(`${server.base}/client.json`)).status).toBe(200)
    } finally {
      await server.close()
    }
  })

  it("answers 401 invalid_client, never 500, to a Basic header with malformed percent-encoding", async () => {
    for (const path of ["/oauth/token", "/oauth/revoke"]) {
      const response = await fetch(`${gateway.authUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${btoa("%zz:")}` },
        body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: "x", token: "x" }).toString()
      })
      expect([response.status, ((await response.json()) as Record<string, unknown>)["error"]]).toEqual([
        401,
        "invalid_client"
      ])
    }
  })

  it("keeps the refresh token after a refused refresh, and the grant after a narrowed one", async () => {
    const clientId = await registerClient(fetchSend, gateway.authUrl, [redirectUri])
    const pkce = await pkcePair()
    const { location } = await authorizeAndConsent(fetchSend, {
      authUrl: gateway.authUrl,
      clientId,
      redirectUri,
      resource: resource(),
      challenge: pkce.challenge,
      scopes: ["mana.read", "mana.write"]
    })
    const issued = await tokenRequest(fetchSend, gateway.authUrl, {
      grant_type: "authorization_code",
      code: location.searchParams.get("code") ?? "",
      client_id: clientId,
      redirect_uri: redirectUri,
      code_verifier: pkce.verifier
    })
    const refresh = (token: unknown, extra: Record<string, string> = {}) =>
      tokenRequest(fetchSend, gateway.authUrl, {
        grant_type: "refresh_token",
        refresh_token: String(token),
        client_id: clientId,
        ...extra
      })
    expect((await refresh(issued.body["refresh_token"], { scope: "mana.destructive" })).body["error"]).toBe(
      "invalid_scope"
    )
    expect((await refresh(issued.body["refresh_token"], { resource: "https://evil.example/mcp" })).body["error"]).toBe(
      "invalid_target"
    )
    const narrowed = await refresh(issued.body["refresh_token"], { scope: "mana.read" })
    expect([narrowed.status, narrowed.body["scope"]]).toEqual([200, "mana.read"])
    const widened = await refresh(narrowed.body["refresh_token"])
    expect([widened.status, widened.body["scope"]]).toEqual([200, "mana.read mana.write"])
  })

  it("bounds registration: a 3 MB name, a bidi override, then 429 past the per-address rate", async () => {
    const body = (fields: Record<string, unknown>) => JSON.stringify({ redirect_uris: [redirectUri], ...fields })
    expect(await register(body({ client_name: "x".repeat(3 * 1024 * 1024) }))).toMatchObject({
      status: 413,
      error: "invalid_client_metadata"
    })
    expect(await register(body({ client_name: "Helper \u202Eevil" }))).toMatchObject({
      status: 400,
      error: "invalid_client_metadata"
    })
    const statuses: Array<number> = []
    for (let n = 0; n < 31 && !statuses.includes(429); n++) statuses.push((await register(body({}))).status)
    expect(statuses.at(-1)).toBe(429)
    expect(statuses.slice(0, -1).every((status) => status === 201)).toBe(true)
    const refused = await register(body({}))
    expect(refused).toMatchObject({ status: 429, error: "temporarily_unavailable" })
    expect(Number(refused.retryAfter)).toBeGreaterThan(0)
  })
})
