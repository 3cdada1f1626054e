/**
 * The HTTP server span of a `/mcp` request when OTLP tracing is configured, as the
 * `@effect/platform` tracer middleware made it before `/mcp` left the platform router
 * (`GatewayServer.ts`): named `{method} /mcp`, parented by the request's `traceparent`, with the
 * HTTP semantic-convention attributes. Request headers are not recorded (they carry the token).
 */
import { Headers as PlatformHeaders, HttpTraceContext } from "@effect/platform"
import { Effect, Option } from "effect"

const headerRecord = (headers: Headers): Record<string, string> => {
  const record: Record<string, string> = {}
  for (const name of ["traceparent", "tracestate", "b3", "x-b3-traceid", "x-b3-spanid", "x-b3-sampled"]) {
    const value = headers.get(name)
    if (value !== null) record[name] = value
  }
  return record
}

export const withServerSpan = (request: Request, address: string, answer: Effect.Effect<Response>) =>
  Effect.useSpan(`${request.method} /mcp`, {
    parent: Option.getOrUndefined(
      HttpTraceContext.fromHeaders(PlatformHeaders.fromInput(headerRecord(request.headers)))
    ),
    kind: "server",
    captureStackTrace: false
  }, (span) => {
    const url = new URL(request.url)
    span.attribute("http.request.method", request.method)
    span.attribute("url.path", url.pathname)
    span.attribute("url.scheme", url.protocol.slice(0, -1))
    span.attribute("client.address", address)
    const agent = request.headers.get("user-agent")
    if (agent !== null) span.attribute("user_agent.original", agent)
    return Effect.tap(
      Effect.withParentSpan(answer, span),
      (response) => Effect.sync(() => span.attribute("http.response.status_code", response.status))
    )
  })
