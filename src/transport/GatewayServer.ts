/**
 * The gateway's HTTP server: Bun's own `Bun.serve`, with `/mcp` handed straight to
 * `McpEndpoint.handle` in the app's runtime and every other path (`/health`, `/metrics`, the
 * RFC 9728 document; `Http.ts`) to the `@effect/platform` router. Why not the platform for
 * `/mcp` too: its per-request machinery (request wrapper, router, middleware, response
 * conversion) cost about as much CPU as a cached read itself — a bare Effect-platform Bun server
 * answered a 52 KB cached body at half the rate of `Bun.serve` on this machine. Bound first
 * (`bindGateway`), served once the app is built (`serve`): the dev authorization server must
 * know the bound port before the app exists.
 */
import { HttpApp, type HttpRouter } from "@effect/platform"
import type { Server } from "bun"
import { Effect, Exit, Fiber, Runtime, type Scope } from "effect"
import { ListenFailed } from "../listen.ts"
import { mcpPath } from "./http/resourceUrl.ts"
import { withServerSpan } from "./mcpServerSpan.ts"

export interface GatewayServerOptions {
  readonly host: string
  readonly port: number
  readonly idleTimeout: number
  /** Several processes bind the same port and the kernel spreads connections (Linux SO_REUSEPORT). */
  readonly reusePort: boolean
}

export interface GatewayHandlers<R> {
  readonly mcp: (request: Request, address: string) => Effect.Effect<Response>
  readonly app: HttpRouter.HttpRouter<unknown, R>
  /** OTLP tracing configured: each `/mcp` request gets its HTTP server span. */
  readonly traced: boolean
}

export interface GatewayServer {
  readonly port: number
  readonly serve: <R>(handlers: GatewayHandlers<R>) => Effect.Effect<void, never, R>
}

type Fetch = (request: Request, server: Server<undefined>) => Response | Promise<Response>

const notYet: Fetch = () => new Response("starting", { status: 503, headers: { "retry-after": "1" } })

/** The path of a request URL without building a `URL` (Bun hands absolute URLs). */
const pathOf = (url: string) => {
  const start = url.indexOf("/", url.indexOf("//") + 2)
  if (start < 0) return "/"
  const end = url.indexOf("?", start)
  return end < 0 ? url.slice(start) : url.slice(start, end)
}

export const bindGateway = (
  options: GatewayServerOptions
): Effect.Effect<GatewayServer, ListenFailed, Scope.Scope> =>
  Effect.gen(function*() {
    let current: Fetch = notYet
    const server = yield* Effect.acquireRelease(
      Effect.try({
        try: () =>
          Bun.serve({
            hostname: options.host,
            port: options.port,
            idleTimeout: options.idleTimeout,
            ...(options.reusePort ? { reusePort: true } : {}),
            fetch: (request, bunServer) => current(request, bunServer)
          }),
        catch: () =>
          new ListenFailed({ server: "the gateway", host: options.host, port: options.port, setting: "PORT" })
      }),
      (bound) => Effect.sync(() => bound.stop())
    )

    const serve = <R>(handlers: GatewayHandlers<R>) =>
      Effect.gen(function*() {
        const runtime = yield* Effect.runtime<R>()
        const runFork = Runtime.runFork(runtime)
        const other = HttpApp.toWebHandlerRuntime(runtime)(handlers.app)
        const answer = handlers.traced
          ? (request: Request, address: string) => withServerSpan(request, address, handlers.mcp(request, address))
          : handlers.mcp
        const mcp: Fetch = (request, bunServer) =>
          new Promise((resolve) => {
            const address = bunServer.requestIP(request)?.address ?? "unknown"
            const fiber = runFork(answer(request, address))
            fiber.addObserver((exit) => resolve(Exit.isSuccess(exit) ? exit.value : abandoned(exit)))
            // A client that went away stops its request's fiber, as the platform server did.
            request.signal.addEventListener("abort", () => runFork(Fiber.interrupt(fiber)), { once: true })
          })
        current = (request, bunServer) => pathOf(request.url) === mcpPath ? mcp(request, bunServer) : other(request)
      })

    return { port: server.port ?? options.port, serve } satisfies GatewayServer
  })

/** `handle` never fails; a fiber ends otherwise only when interrupted (client gone, shutdown) or by a defect. */
const abandoned = (exit: Exit.Exit<Response>) =>
  Exit.isInterrupted(exit)
    ? new Response(null, { status: 499 })
    : Response.json({ error: "internal_error", error_description: "The gateway failed to answer" }, { status: 500 })
