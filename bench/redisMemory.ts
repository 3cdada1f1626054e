/**
 * Benchmark `redis-memory`: what 10 000 2025 sessions cost in Redis — the session hashes and
 * per-user sets alone, then with one finished tool call's stream each (the priming event stores
 * nothing; one sealed result of ~2 KB) — and the rate-limit window of 10 000 users having called
 * one tool 30 times. Measured with Redis' own `used_memory`, through the real Redis layers, on a
 * fresh `redis-server`.
 */
import { Duration, Effect, Layer, Redacted } from "effect"
import { randomBytes } from "node:crypto"
import { Socket } from "node:net"
import { Metrics } from "../src/observability/Metrics.ts"
import { makeInvocationLogRedis } from "../src/policy/invocationLogRedis.ts"
import { makeSessionStoreRedis } from "../src/sessions/sessionStoreRedis.ts"
import { RedisConnection } from "../src/state/RedisConnection.ts"
import { makeStateCipher } from "../src/state/StateCipher.ts"
import { eventStoreLimits } from "../src/streams/EventStore.ts"
import { makeEventStoreRedis } from "../src/streams/eventStoreRedis.ts"
import { startRedisServer } from "../test/harness/redisServer.ts"
import type { Benchmark } from "./harness.ts"

const SESSIONS = 10_000

const usedMemory = (port: number) =>
  Effect.promise(() =>
    new Promise<number>((resolve, reject) => {
      const socket = new Socket()
      let text = ""
      socket.once("error", reject)
      socket.connect(port, "127.0.0.1", () => socket.write("INFO memory\r\n"))
      socket.on("data", (chunk) => {
        text += chunk.toString()
        const match = /used_memory:(\d+)/.exec(text)
        if (match === null) return
        socket.destroy()
        resolve(Number(match[1]))
      })
    })
  )

const toolResult = JSON.stringify({
  jsonrpc: "2.0",
  id: 3,
  result: {
    content: [{ type: "text", text: "x".repeat(900) }],
    structuredContent: {
      habits: Array.from({ length: 10 }, (_, i) => ({ id: crypto.randomUUID(), title: `Habit ${i}`, archived: false }))
    }
  }
})

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

export const redisMemory: Benchmark = {
  id: "redis-memory",
  title: `Redis memory: ${SESSIONS.toLocaleString("en")} sessions, their streams, a full rate window`,
  run: async () => {
    const redis = await startRedisServer()
    const idle = Duration.minutes(30)
    const measure = Effect.gen(function*() {
      const connection = yield* RedisConnection
      const sessions = yield* makeSessionStoreRedis(connection, Duration.toMillis(idle), 16)
      const events = makeEventStoreRedis(
        connection,
        makeStateCipher(randomBytes(32)),
        eventStoreLimits({ sessionIdleTimeout: idle })
      )
      const log = makeInvocationLogRedis(connection, { perKeyCapacity: 512, retention: Duration.minutes(1) })
      const ids = Array.from({ length: SESSIONS }, () => ({ id: crypto.randomUUID(), userId: crypto.randomUUID() }))
      const base = yield* usedMemory(redis.port)
      yield* Effect.forEach(ids, ({ id, userId }) =>
        sessions.create({
          id,
          userId,
          protocolVersion: "2025-11-25",
          clientInfo: { name: "claude-code", version: "2.1.0" },
          clientCapabilities: { elicitation: { form: {} }, roots: { listChanged: true } }
        }), { concurrency: 64, discard: true })
      const withSessions = yield* usedMemory(redis.port)
      yield* Effect.forEach(
        ids,
        ({ id }) => events.append(id, crypto.randomUUID(), { seq: "a1b2c3d4e5f6.1", message: toolResult }),
        {
          concurrency: 64,
          discard: true
        }
      )
      const withStreams = yield* usedMemory(redis.port)
      yield* Effect.forEach(ids, ({ userId }) => Effect.repeatN(log.record(userId, "habits.list"), 29), {
        concurrency: 64,
        discard: true
      })
      const withWindows = yield* usedMemory(redis.port)
      return { base, withSessions, withStreams, withWindows }
    })
    try {
      const layer = RedisConnection.layer({ url: Redacted.make(new URL(redis.url)) }).pipe(Layer.provide(Metrics.layer))
      const m = await Effect.runPromise(Effect.scoped(measure.pipe(Effect.provide(layer))))
      const sessions = m.withSessions - m.base
      const streams = m.withStreams - m.withSessions
      const windows = m.withWindows - m.withStreams
      return {
        params: { sessions: SESSIONS, resultBytes: toolResult.length, callsPerUser: 30 },
        latencies: [],
        throughputs: [],
        ratios: [],
        notes: [
          `${SESSIONS} sessions (hash + per-user set): ${mib(sessions)} (${
            Math.round(sessions / SESSIONS)
          } B per session)`,
          `plus one stream per session holding one sealed ${toolResult.length}-byte result: ${mib(streams)} (${
            Math.round(streams / SESSIONS)
          } B per stream)`,
          `rate-limit windows, ${SESSIONS} users × 30 calls of one tool: ${mib(windows)} (${
            Math.round(windows / SESSIONS)
          } B per user and tool)`,
          `total for 10k active users: ${mib(m.withWindows - m.base)}`
        ]
      }
    } finally {
      await redis.stop()
    }
  }
}
