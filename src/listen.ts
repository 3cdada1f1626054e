/**
 * Binding a Bun HTTP server for the composition root and the dev stand-ins. Bun throws when a
 * port is taken; that becomes a typed `ListenFailed` naming the server, the address and the
 * setting to change, which `main.ts` prints as one line instead of a stack trace.
 */
import { BunHttpServer } from "@effect/platform-bun"
import { Cause, Data, Effect } from "effect"

export class ListenFailed extends Data.TaggedError("ListenFailed")<{
  readonly server: string
  readonly host: string
  readonly port: number
  readonly setting: string
}> {
  override get message() {
    return `cannot listen on ${this.host}:${this.port} for ${this.server} (is the port in use?); set ${this.setting} to a free port, or 0 to pick one`
  }
}

export const listen = (options: {
  readonly server: string
  readonly setting: string
  readonly host: string
  readonly port: number
  readonly idleTimeout?: number
  /** Several processes bind the same port and the kernel spreads connections (Linux SO_REUSEPORT). */
  readonly reusePort?: boolean
}) =>
  BunHttpServer.make({
    port: options.port,
    hostname: options.host,
    ...(options.reusePort === true ? { reusePort: true } : {}),
    ...(options.idleTimeout === undefined ? {} : { idleTimeout: options.idleTimeout })
  }).pipe(
    Effect.catchAllDefect((defect) =>
      Effect.zipRight(
        Effect.logDebug("listen failed", Cause.pretty(Cause.die(defect))),
        Effect.fail(
          new ListenFailed({ server: options.server, host: options.host, port: options.port, setting: options.setting })
        )
      )
    )
  )
