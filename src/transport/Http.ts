/**
 * The gateway's HTTP surface besides `/mcp`, as an `@effect/platform` router: `/health`,
 * `/metrics` and the RFC 9728 protected-resource document. `/mcp` (both MCP eras, `McpEndpoint`)
 * does not pass through it: `GatewayServer.ts` hands it to the endpoint directly.
 */
import { Headers, HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Option } from "effect"
import { manaScopes } from "../auth/scopes.ts"
import { ManaConfig } from "../config/Config.ts"
import { Upstreams } from "../config/Upstreams.ts"
import { LiveSync } from "../live/LiveSync.ts"
import { Metrics } from "../observability/Metrics.ts"
import { RedisConnection } from "../state/RedisConnection.ts"
import { stateStoreNames } from "../state/StateStoreUnavailable.ts"
import { resourceMetadataPath } from "./http/authenticate.ts"
import { publicBaseFor, resourceIdentityOf, resourceUrlOf } from "./http/resourceUrl.ts"
import { McpEndpoint } from "./McpEndpoint.ts"

const protectedResource = Effect.gen(function*() {
  const config = yield* ManaConfig
  const upstreams = yield* Upstreams
  const request = yield* HttpServerRequest.HttpServerRequest
  // One of the bases fixed at start; the request's Host only picks among them (never reflected).
  const identity = resourceIdentityOf(config)
  const base = Option.match(HttpServerRequest.toURL(request), {
    onNone: () => identity.canonical,
    onSome: (url) => publicBaseFor(identity, url.href)
  })
  return HttpServerResponse.unsafeJson({
    resource: resourceUrlOf(base),
    authorization_servers: [upstreams.authUrl],
    scopes_supported: manaScopes,
    bearer_methods_supported: ["header"],
    // No `resource_documentation`: the gateway serves no documentation page, and RFC 9728 makes it optional.
    resource_name: "Mana MCP gateway"
  }, { headers: Headers.fromInput(metadataCors) })
})

// Public metadata: browser-based MCP clients (MCP Inspector) must be able to read it from any origin.
const metadataCors = { "access-control-allow-origin": "*" }
const metadataPreflight = Effect.succeed(HttpServerResponse.empty({
  status: 204,
  headers: Headers.fromInput({
    ...metadataCors,
    "access-control-allow-methods": "GET, OPTIONS",
    "access-control-allow-headers": "mcp-protocol-version",
    "access-control-max-age": "600"
  })
}))

/**
 * `/health`: 503 while draining (load balancers stop routing here); `degraded` (still 200: the
 * 2026-07-28 era and everything but 2025 sessions keep working) while the shared store is down.
 */
const health = (toolCount: number) =>
  Effect.gen(function*() {
    const draining = yield* Effect.flatMap(McpEndpoint, (endpoint) => endpoint.isDraining)
    const redis = yield* Effect.serviceOption(RedisConnection)
    const redisUp = Option.isNone(redis) ? true : yield* redis.value.isUp
    const stateStore = Option.isNone(redis)
      ? { kind: "memory", status: "ok" }
      : redisUp
      ? { kind: "redis", status: "ok" }
      : { kind: "redis", status: "unreachable", stores: stateStoreNames }
    const status = draining ? "draining" : redisUp ? "ok" : "degraded"
    // Live data: users whose notification connection is down read with the READ_FRESHNESS window.
    const liveSync = yield* Effect.serviceOption(LiveSync)
    const live = Option.isNone(liveSync) ? undefined : yield* liveSync.value.stats
    return HttpServerResponse.unsafeJson(
      { status, service: "mana-mcp", registry: { loaded: true, tools: toolCount }, stateStore, live },
      { status: draining ? 503 : 200 }
    )
  })

export const makeHttpApp = (toolCount: number) =>
  HttpRouter.empty.pipe(
    HttpRouter.get("/health", health(toolCount)),
    HttpRouter.get(
      "/metrics",
      Effect.gen(function*() {
        const metrics = yield* Metrics
        return HttpServerResponse.text(yield* metrics.render, { contentType: metrics.contentType })
      })
    ),
    HttpRouter.get(resourceMetadataPath, protectedResource),
    HttpRouter.get(`${resourceMetadataPath}/mcp`, protectedResource),
    HttpRouter.options(resourceMetadataPath, metadataPreflight),
    HttpRouter.options(`${resourceMetadataPath}/mcp`, metadataPreflight)
  )
