/**
 * The resource methods on one SDK `Server` (both eras build theirs from the same factory):
 * `resources/list`, `resources/templates/list`, `resources/read`, and on 2025 sessions
 * `resources/subscribe` / `resources/unsubscribe`. The 2026-07-28 era subscribes with
 * `subscriptions/listen`, which the endpoint serves before any `Server` (`ListenStreams.ts`).
 */
import {
  ProtocolError,
  ProtocolErrorCode,
  type ResourceTemplateType,
  type Server,
  type ServerContext
} from "@modelcontextprotocol/server"
import type { CallerShape } from "../domain/Caller.ts"
import { resourceMimeType } from "./readResource.ts"
import type { ResourceAccess } from "./ResourceAccess.ts"
import { recordKindSpecs } from "./resourceKinds.ts"
import { recordKinds } from "./resourceUris.ts"

export const resourceCapabilities = { subscribe: true, listChanged: true } as const

const resourceTemplates: ReadonlyArray<ResourceTemplateType> = recordKinds.map((kind) => ({
  uriTemplate: `mana://${kind}/{id}`,
  name: kind,
  title: recordKindSpecs[kind].title,
  description: recordKindSpecs[kind].description,
  mimeType: resourceMimeType
}))

const noCaller = () => Promise.reject(new ProtocolError(ProtocolErrorCode.InternalError, "No authenticated caller"))

const sessionless = () =>
  Promise.reject(
    new ProtocolError(
      ProtocolErrorCode.InvalidRequest,
      "resources/subscribe needs a 2025-era session (Mcp-Session-Id): subscriptions end with their session. On protocol 2026-07-28 use subscriptions/listen with resourceSubscriptions."
    )
  )

export const installResourceHandlers = (
  server: Server,
  access: ResourceAccess,
  callerOf: (ctx: ServerContext) => CallerShape | undefined
) => {
  server.setRequestHandler("resources/templates/list", () => ({ resourceTemplates: [...resourceTemplates] }))
  server.setRequestHandler("resources/list", async (request, ctx) => {
    const caller = callerOf(ctx)
    if (caller === undefined) return noCaller()
    const page = await access.list(caller, request.params?.cursor)
    if (ctx.sessionId !== undefined) await access.watchList(server, ctx.sessionId, caller)
    return page
  })
  server.setRequestHandler("resources/read", (request, ctx) => {
    const caller = callerOf(ctx)
    return caller === undefined ? noCaller() : access.read(caller, request.params.uri)
  })
  server.setRequestHandler("resources/subscribe", async (request, ctx) => {
    const caller = callerOf(ctx)
    if (caller === undefined) return noCaller()
    if (ctx.sessionId === undefined) return sessionless()
    await access.subscribe(server, ctx.sessionId, caller, request.params.uri)
    return {}
  })
  server.setRequestHandler("resources/unsubscribe", async (request, ctx) => {
    if (ctx.sessionId !== undefined) await access.unsubscribe(ctx.sessionId, request.params.uri)
    return {}
  })
}
