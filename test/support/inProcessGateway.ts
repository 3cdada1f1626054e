/**
 * The gateway's HTTP surface in-process, for transport tests: the real `McpEndpoint` and router
 * (`makeHttpApp`) over test layers — real JWT verification against the test JWKS server, spaces
 * from the test users' memberships, the in-memory sync engine, a fixed master key — driven with web
 * `Request`s instead of sockets. The layers are built into the test's scope, so each test gets a
 * fresh gateway and its timers run on the test's Clock.
 */
import { HttpApp } from "@effect/platform"
import { Effect, Layer, type Scope } from "effect"
import { appLayer, memoryState, platformLayer } from "../../src/App.ts"
import { ManaConfig, type ManaConfigShape } from "../../src/config/Config.ts"
import { UserChanges, type UserChangesShape } from "../../src/live/UserChanges.ts"
import { Metrics } from "../../src/observability/Metrics.ts"
import { ResourceWatch, type ResourceWatchShape } from "../../src/resources/ResourceWatch.ts"
import { type SessionStore } from "../../src/sessions/SessionStore.ts"
import { allTools } from "../../src/tools/allTools.ts"
import { makeRegistry } from "../../src/tools/kit/registry.ts"
import { makeHttpApp } from "../../src/transport/Http.ts"
import { McpEndpoint, type McpEndpointShape } from "../../src/transport/McpEndpoint.ts"
import { fixedMasterKeys } from "./cryptoVault.ts"
import { type JwksServer, startJwksServer } from "./jwksServer.ts"
import { modernEnvelope } from "./modernPost.ts"
import { spaceDirectoryOfTestUsers } from "./spaceDirectory.ts"
import { SyncClientEngine } from "./SyncClientEngine.ts"
import { memberships } from "./users.ts"

/** Where requests are addressed: the default bind host and port, so the Host check passes. */
export const gatewayBase = "http://127.0.0.1:3069"
export const mcpUrl = `${gatewayBase}/mcp`

export interface InProcessGateway {
  readonly endpoint: McpEndpointShape
  /** `McpEndpoint.handle`. */
  readonly mcp: (request: Request) => Effect.Effect<Response>
  /** The whole router: `/mcp`, `/health`, `/metrics`, the protected-resource document. */
  readonly http: (request: Request) => Effect.Effect<Response>
  /** The Prometheus text of this gateway's metrics. */
  readonly metrics: Effect.Effect<string>
  /** The test mana-auth: its JWKS verifies the tokens it signs. */
  readonly issuer: JwksServer
  /** Publishes "this user's data changed" as the notification connection would. */
  readonly changes: UserChangesShape
  /** The resource subscriptions (`watchCount`). */
  readonly resourceWatch: ResourceWatchShape
}

export interface InProcessOptions {
  /** The session store (default: the memory layer), e.g. one that delays its answers. */
  readonly sessionStore?: Layer.Layer<SessionStore, never, ManaConfig>
}

export const startInProcessGateway = (
  config: Partial<ManaConfigShape> = {},
  options: InProcessOptions = {}
): Effect.Effect<InProcessGateway, never, Scope.Scope> =>
  Effect.gen(function*() {
    const issuer = yield* startJwksServer
    const registry = yield* Effect.orDie(makeRegistry(allTools))
    const platform = platformLayer(ManaConfig.layerWith(config), {
      authUrl: issuer.url,
      syncUrl: "http://sync.invalid",
      issuers: [issuer.url]
    })
    const edges = Layer.mergeAll(
      spaceDirectoryOfTestUsers,
      SyncClientEngine.layerTest({ memberships }),
      fixedMasterKeys
    )
    const context = yield* Layer.build(
      appLayer(registry, { edges, state: memoryState(options.sessionStore) }).pipe(Layer.provideMerge(platform))
    ).pipe(Effect.orDie)
    const endpoint = yield* Effect.provide(McpEndpoint, context)
    const metrics = yield* Effect.provide(Metrics, context)
    const changes = yield* Effect.provide(UserChanges, context)
    const resourceWatch = yield* Effect.provide(ResourceWatch, context)
    const router = HttpApp.toWebHandler(makeHttpApp(registry.exposed.size).pipe(Effect.provide(context)))
    return {
      endpoint,
      mcp: endpoint.handle,
      http: (request) => Effect.promise(() => router(request)),
      metrics: metrics.render,
      issuer,
      changes,
      resourceWatch
    }
  })

export const initializeBody = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } }
}

export interface McpRequestOptions {
  readonly method?: string
  /** A bearer token; omitted: no Authorization header. */
  readonly token?: string
  /** The X-Mana-Space header; omitted: none. */
  readonly space?: string
  /** A JSON-RPC message (serialized) or a raw string body. */
  readonly body?: unknown
  readonly sessionId?: string
  readonly headers?: Record<string, string>
}

/** A GET of another route of the gateway (`/health`, `/metrics`, …), with the Host a client sends. */
export const httpGet = (path: string): Request =>
  new Request(`${gatewayBase}${path}`, { headers: { host: new URL(gatewayBase).host } })

/** A `/mcp` request as an MCP client sends it: JSON in, JSON or SSE accepted. */
export const mcpRequest = (options: McpRequestOptions = {}): Request => {
  const method = options.method ?? "POST"
  return new Request(mcpUrl, {
    method,
    headers: {
      // A web Request gets its Host from the socket layer; in-process it is set like a client would.
      host: new URL(gatewayBase).host,
      ...(method === "POST" ? { "content-type": "application/json" } : {}),
      accept: "application/json, text/event-stream",
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...(options.space === undefined ? {} : { "x-mana-space": options.space }),
      ...(options.sessionId === undefined ? {} : {
        "mcp-session-id": options.sessionId,
        "mcp-protocol-version": "2025-11-25"
      }),
      ...options.headers
    },
    ...(options.body === undefined
      ? {}
      : { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) })
  })
}

/** The `_meta` envelope of a 2026-07-28 request (no session, no initialize). */
/** A per-request (2026-07-28 era) request for `method`, naming protocol `version`. */
export const modernRequest = (
  method: string,
  options: Omit<McpRequestOptions, "body" | "sessionId"> & {
    readonly version?: string
    readonly params?: Record<string, unknown>
  } = {}
): Request => {
  const version = options.version ?? "2026-07-28"
  return mcpRequest({
    ...options,
    headers: { "mcp-protocol-version": version, "mcp-method": method, ...options.headers },
    body: { jsonrpc: "2.0", id: 7, method, params: { ...options.params, _meta: modernEnvelope(version) } }
  })
}

/**
 * The JSON-RPC message of a response: a JSON body, or the first non-empty `data:` event of an SSE
 * stream (clients ≥ 2025-11-25 first get a priming event with empty data).
 */
export const jsonRpcOf = (response: Response): Effect.Effect<any> =>
  Effect.promise(async () => {
    const text = await response.text()
    return JSON.parse(text.startsWith("{") ? text : (/^data: (.+)$/m.exec(text)?.[1] ?? "{}"))
  })

/** The JSON body of a gateway refusal. */
export const bodyOf = (response: Response): Effect.Effect<any> => Effect.promise(() => response.json())

/** Opens a 2025-era session as `userId` in `space` with a fresh token; returns its id. */
export const openSession = (gateway: InProcessGateway, userId: string, space: string) =>
  Effect.gen(function*() {
    const token = yield* gateway.issuer.tokenFor(userId)
    const response = yield* gateway.mcp(mcpRequest({ token, space, body: initializeBody }))
    const id = response.headers.get("mcp-session-id")
    yield* Effect.promise(() => response.text())
    if (response.status !== 200 || id === null) {
      return yield* Effect.dieMessage(`initialize answered ${response.status} without a session id`)
    }
    return id
  })
