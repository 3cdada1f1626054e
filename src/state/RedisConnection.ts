/**
 * RedisConnection: the gateway's two connections to Redis (or Valkey) for `STATE_STORE=redis` —
 * one for commands (auto-pipelined: commands issued in the same tick share one write) and one
 * for pub/sub — plus the health the stores report. Commands fail fast while Redis is away (no
 * offline queue), so a request gets a 503 instead of hanging; ioredis reconnects by itself with
 * a capped backoff and resubscribes. Start-up waits for the first connection and fails with one
 * line (`RedisUnreachable`) that names the host but never the password.
 */
import { Context, Data, Effect, Layer, Option, Redacted, Runtime } from "effect"
import { Redis } from "ioredis"
import { Metrics } from "../observability/Metrics.ts"
import { type StateStoreName, StateStoreUnavailable } from "./StateStoreUnavailable.ts"

export class RedisUnreachable extends Data.TaggedError("RedisUnreachable")<{ readonly target: string }> {
  override get message() {
    return `cannot reach Redis at ${this.target} (REDIS_URL): start Redis, fix the URL or its credentials, or set STATE_STORE=memory`
  }
}

export interface RedisConnectionShape {
  /** Commands; every call goes through `run` so failures are typed and counted. */
  readonly client: Redis
  /** Pub/sub only (a subscribed connection cannot run other commands). */
  readonly subscriber: Redis
  /** Prefix of every key and channel, so several deployments can share one Redis. */
  readonly prefix: string
  /** Runs one Redis operation; a failure is counted and becomes `StateStoreUnavailable(store)`. */
  readonly run: <A>(
    store: StateStoreName,
    operation: (client: Redis) => Promise<A>
  ) => Effect.Effect<A, StateStoreUnavailable>
  /** False while the command connection is down (between a loss and the reconnect). */
  readonly isUp: Effect.Effect<boolean>
  /**
   * Counts (re)connections: pub/sub messages sent while the connection was down are lost, so
   * anything learned before the current epoch must be re-checked. `None` while down.
   */
  readonly epoch: Effect.Effect<Option.Option<number>>
}

export interface RedisConnectionOptions {
  readonly url: Redacted.Redacted<URL>
  readonly prefix?: string
  /** Per-command bound; a hung Redis must not hang requests. */
  readonly commandTimeoutMs?: number
}

const describeTarget = (url: URL) => `${url.protocol}//${url.hostname}:${url.port === "" ? "6379" : url.port}`

const connect = (redis: Redis, target: string) =>
  Effect.tryPromise({ try: () => redis.connect(), catch: () => new RedisUnreachable({ target }) }).pipe(
    Effect.zipRight(Effect.tryPromise({ try: () => redis.ping(), catch: () => new RedisUnreachable({ target }) })),
    Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => new RedisUnreachable({ target }) })
  )

export class RedisConnection extends Context.Tag("mana-mcp/RedisConnection")<RedisConnection, RedisConnectionShape>() {
  /** Connects both clients (fails with `RedisUnreachable`); disconnects them when the scope closes. Needs Metrics. */
  static readonly layer = (options: RedisConnectionOptions) =>
    Layer.scoped(
      RedisConnection,
      Effect.gen(function*() {
        const metrics = yield* Metrics
        const url = Redacted.value(options.url)
        const target = describeTarget(url)
        const common = {
          lazyConnect: true,
          connectTimeout: 3_000,
          // Reconnect forever with a capped backoff: the gateway keeps serving what does not need Redis.
          retryStrategy: (attempt: number) => Math.min(50 * 2 ** Math.min(attempt, 6), 2_000)
        }
        const client = new Redis(url.href, {
          ...common,
          enableAutoPipelining: true,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          commandTimeout: options.commandTimeoutMs ?? 2_000
        })
        const subscriber = new Redis(url.href, { ...common, maxRetriesPerRequest: null })
        const runtime = yield* Effect.runtime<never>()
        // Without a listener ioredis prints every reconnect error; the state is logged once per change,
        // and only after the first connection (start-up failures are main's one line).
        let up = false
        let connectedOnce = false
        let connections = 0
        const markDown = (cause: unknown) => {
          if (!up) return
          up = false
          const name = cause instanceof Error ? cause.name : "closed"
          Runtime.runFork(runtime)(Effect.logWarning(`Redis connection lost (${target}): ${name}; reconnecting`))
        }
        client.on("error", markDown)
        client.on("close", () => markDown(undefined))
        subscriber.on("error", () => undefined)
        client.on("ready", () => {
          if (connectedOnce && !up) Runtime.runFork(runtime)(Effect.logInfo(`Redis connection restored (${target})`))
          up = true
          connectedOnce = true
          connections += 1
        })
        yield* Effect.addFinalizer(() =>
          Effect.sync(() => {
            client.disconnect()
            subscriber.disconnect()
          })
        )
        yield* connect(client, target)
        yield* connect(subscriber, target)

        const run = <A>(store: StateStoreName, operation: (redis: Redis) => Promise<A>) =>
          Effect.tryPromise({ try: () => operation(client), catch: (cause) => cause }).pipe(
            Effect.tapError((cause) =>
              Effect.zipRight(
                metrics.stateStoreError(store),
                Effect.logWarning(`state store ${store}: Redis operation failed`, {
                  error: cause instanceof Error ? cause.message : "unknown"
                })
              )
            ),
            Effect.mapError(() => new StateStoreUnavailable({ store }))
          )

        return {
          client,
          subscriber,
          prefix: options.prefix ?? "mana-mcp:",
          run,
          isUp: Effect.sync(() => up && client.status === "ready"),
          epoch: Effect.sync(() => (up && client.status === "ready" ? Option.some(connections) : Option.none()))
        } satisfies RedisConnectionShape
      })
    )
}
