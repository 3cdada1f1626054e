/**
 * InvocationLog: when each user called each tool, so the policy gate can count calls in a
 * rolling window. Only calls that proceed past the gate are recorded (the gate decides that;
 * this service just stores). The in-memory implementation keeps, per (user, tool), a ring
 * buffer of timestamps from the Effect Clock: appends and front pruning are amortized O(1), a
 * window count is a binary search over at most `perKeyCapacity` entries. Memory is bounded
 * twice: each ring holds at most `perKeyCapacity` timestamps (older ones are overwritten, so
 * counts saturate there), and at most `maxKeys` (user, tool) pairs are kept, least recently
 * recorded dropped first, idle pairs dropped as they age out of `retention`. `admit` counts and
 * records in one atomic step, so a shared layer (invocationLogRedis.ts: a sorted set and one Lua
 * script per check) gives several instances one window with the same semantics; one contract suite
 * (test/policy/invocationLogContract.ts) runs against both layers.
 */
import { Clock, Context, Duration, Effect, Layer, Option } from "effect"
import { ManaConfig } from "../config/Config.ts"
import { RedisConnection } from "../state/RedisConnection.ts"
import { makeInvocationLogRedis } from "./invocationLogRedis.ts"
import type { InvocationLogOptions, InvocationLogShape, RecentCalls } from "./InvocationLogShape.ts"

export type {
  Admission,
  InvocationLogOptions,
  InvocationLogShape,
  RecentCalls,
  RecordWhen
} from "./InvocationLogShape.ts"

/** Sorted timestamps in a growable ring; the oldest entry is overwritten when full. */
class TimestampRing {
  // Starts small and doubles up to `capacity`, so the common idle user costs a few bytes; the
  // buffer length equals `capacity` whenever the ring is full, which the overwrite relies on.
  private buffer: Float64Array
  private head = 0
  size = 0
  constructor(private readonly capacity: number) {
    this.buffer = new Float64Array(Math.max(1, Math.min(8, capacity)))
  }

  private at(index: number): number {
    return this.buffer[(this.head + index) % this.buffer.length] ?? 0
  }

  newest(): number {
    return this.size === 0 ? Number.NEGATIVE_INFINITY : this.at(this.size - 1)
  }

  push(time: number): void {
    // A wall clock can step back; clamping keeps the ring sorted for the binary search.
    const stamp = Math.max(time, this.newest())
    if (this.size === this.capacity) {
      this.buffer[this.head] = stamp
      this.head = (this.head + 1) % this.buffer.length
      return
    }
    if (this.size === this.buffer.length) this.grow()
    this.buffer[(this.head + this.size) % this.buffer.length] = stamp
    this.size++
  }

  private grow(): void {
    const next = new Float64Array(Math.min(this.capacity, this.buffer.length * 2))
    for (let index = 0; index < this.size; index++) next[index] = this.at(index)
    this.buffer = next
    this.head = 0
  }

  /** Drops entries older than `cutoff` from the front. */
  pruneBefore(cutoff: number): void {
    while (this.size > 0 && this.at(0) < cutoff) {
      this.head = (this.head + 1) % this.buffer.length
      this.size--
    }
  }

  /** Entries at or after `cutoff`. */
  since(cutoff: number): RecentCalls {
    let low = 0
    let high = this.size
    while (low < high) {
      const middle = (low + high) >>> 1
      if (this.at(middle) < cutoff) low = middle + 1
      else high = middle
    }
    const count = this.size - low
    return { count, oldestAt: count === 0 ? Option.none() : Option.some(this.at(low)) }
  }
}

const keyOf = (userId: string, tool: string) => `${userId}\u0000${tool}`

const make = (options: InvocationLogOptions): Effect.Effect<InvocationLogShape> =>
  Effect.sync(() => {
    const retentionMillis = Duration.toMillis(options.retention)
    // Insertion order is recency of `record`: the first key is the least recently recorded.
    const rings = new Map<string, TimestampRing>()

    const dropIdleAndOverflow = (now: number) => {
      // Checking two of the oldest keys per append drops idle pairs at least as fast as new ones arrive.
      for (let checked = 0; checked < 2; checked++) {
        const first = rings.entries().next()
        if (first.done === true || first.value[1].newest() >= now - retentionMillis) break
        rings.delete(first.value[0])
      }
      while (rings.size > options.maxKeys) {
        const first = rings.keys().next()
        if (first.done === true) break
        rings.delete(first.value)
      }
    }

    const append = (userId: string, tool: string, now: number) => {
      const key = keyOf(userId, tool)
      const ring = rings.get(key) ?? new TimestampRing(options.perKeyCapacity)
      rings.delete(key)
      rings.set(key, ring)
      ring.pruneBefore(now - retentionMillis)
      ring.push(now)
      dropIdleAndOverflow(now)
    }

    const count = (userId: string, tool: string, window: Duration.Duration, now: number): RecentCalls => {
      const ring = rings.get(keyOf(userId, tool))
      if (ring === undefined) return { count: 0, oldestAt: Option.none() }
      ring.pruneBefore(now - retentionMillis)
      return ring.since(now - Duration.toMillis(window))
    }

    return {
      capacity: options.perKeyCapacity,
      admit: (userId, tool, admission) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.sync(() => {
            const recent = count(userId, tool, admission.window, now)
            const records = admission.record === "always" ||
              (admission.record === "under-limit" && recent.count < admission.limit)
            if (records) append(userId, tool, now)
            return recent
          })),
      record: (userId, tool) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => append(userId, tool, now))),
      recentCalls: (userId, tool, window) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => count(userId, tool, window, now)))
    }
  })

export class InvocationLog extends Context.Tag("mana-mcp/InvocationLog")<InvocationLog, InvocationLogShape>() {
  static readonly defaults = { perKeyCapacity: 512, maxKeys: 20_000 } as const

  /** In memory; retention is POLICY_RATE_WINDOW (the only window the ManaConfig settings use). */
  static readonly layerMemory = Layer.effect(
    InvocationLog,
    Effect.flatMap(ManaConfig, (config) => make({ ...InvocationLog.defaults, retention: config.policyRateWindow }))
  )

  /** In Redis, shared by every instance; needs ManaConfig and RedisConnection. */
  static readonly layerRedis = Layer.effect(
    InvocationLog,
    Effect.gen(function*() {
      const config = yield* ManaConfig
      const connection = yield* RedisConnection
      return makeInvocationLogRedis(connection, {
        perKeyCapacity: InvocationLog.defaults.perKeyCapacity,
        retention: config.policyRateWindow
      })
    })
  )

  static readonly layerWith = (options: InvocationLogOptions) => Layer.effect(InvocationLog, make(options))
}
