/**
 * Benchmarks of scale-out. `state-store`: the cost of sharing state — `habits.list` in a 2025
 * session on an instance with STATE_STORE=redis vs. one with memory (same upstreams, same user,
 * interleaved), with the policy gate in log-only so the rate-limit check runs too, plus the Redis
 * commands each call costs (from Redis' own counters). `scale-out`: 8 concurrent 2025 clients
 * through a round-robin proxy in front of two instances vs. the same proxy in front of one.
 */
import { randomBytes } from "node:crypto"
import { Socket } from "node:net"
import { type Gateway, startGateway } from "../test/harness/gatewayProcess.ts"
import { startRedisServer } from "../test/harness/redisServer.ts"
import { startRoundRobinProxy } from "../test/harness/roundRobinProxy.ts"
import { registerUser } from "../test/support/devUsers.ts"
import { connectLegacy } from "../test/support/mcpClients.ts"
import { type Benchmark, callExpecting, ratio, waitPastOverlap } from "./harness.ts"
import { closedLoop, type LoopRun, measureInterleaved, throughputOf } from "./stats.ts"
import { habitInserts, pushAll } from "./upstream.ts"

const HABITS = 50

/** `INFO commandstats` of a Redis server, as command → calls. */
const commandStats = (port: number) =>
  new Promise<Map<string, number>>((resolve, reject) => {
    const socket = new Socket()
    let text = ""
    socket.once("error", reject)
    socket.connect(port, "127.0.0.1", () => socket.write("INFO commandstats\r\n"))
    socket.on("data", (chunk) => {
      text += chunk.toString()
      if (!text.includes("\r\n\r\n") && !/cmdstat_[\s\S]*\r\n$/.test(text)) return
      socket.destroy()
      const stats = new Map<string, number>()
      for (const match of text.matchAll(/cmdstat_([a-z|]+):calls=(\d+)/g)) stats.set(match[1] ?? "", Number(match[2]))
      resolve(stats)
    })
  })

const diff = (before: Map<string, number>, after: Map<string, number>) =>
  new Map(
    [...after]
      .map(([name, calls]): [string, number] => [name, calls - (before.get(name) ?? 0)])
      .filter(([, calls]) => calls !== 0)
  )

interface Stack {
  readonly upstream: Gateway
  readonly redisPort: number
  readonly redisEnv: Record<string, string>
  readonly stop: () => Promise<void>
}

const withStack = async <A>(run: (stack: Stack) => Promise<A>): Promise<A> => {
  const redis = await startRedisServer()
  const upstream = await startGateway({ POLICY_MODE: "off" })
  const redisEnv = {
    MANA_AUTH_URL: upstream.authUrl,
    MANA_SYNC_URL: upstream.syncUrl,
    STATE_STORE: "redis",
    REDIS_URL: redis.url,
    STATE_ENCRYPTION_KEY: randomBytes(32).toString("base64")
  }
  try {
    return await run({ upstream, redisPort: redis.port, redisEnv, stop: async () => undefined })
  } finally {
    await upstream.stop().catch(() => undefined)
    await redis.stop().catch(() => undefined)
  }
}

const seedUser = async (upstream: Gateway) => {
  const user = await registerUser(upstream.authUrl)
  await pushAll(
    upstream.syncUrl,
    user.accessToken,
    "habits",
    habitInserts({ userId: user.userId, spaceId: user.personalSpaceId }, HABITS)
  )
  return { user, seededAt: performance.now(), credentials: { token: user.accessToken, spaceId: user.personalSpaceId } }
}

export const stateStore: Benchmark = {
  id: "state-store",
  title: "Cost of sharing state: habits.list with STATE_STORE=redis vs memory",
  run: () =>
    withStack(async ({ redisEnv, redisPort, upstream }) => {
      // log-only: the rate-limit check runs (and never denies); the memory instance uses the same upstreams.
      const common = { POLICY_MODE: "log-only", MANA_AUTH_URL: upstream.authUrl, MANA_SYNC_URL: upstream.syncUrl }
      const [memory, redis] = await Promise.all([
        startGateway(common),
        startGateway({ ...redisEnv, POLICY_MODE: "log-only" })
      ])
      try {
        const { credentials, seededAt } = await seedUser(upstream)
        const onMemory = (await connectLegacy(memory.mcpUrl, credentials)).client
        const onRedis = (await connectLegacy(redis.mcpUrl, credentials)).client
        await waitPastOverlap(seededAt)
        const rounds = { warmup: 40, reps: 300 }
        const r = await measureInterleaved({
          memory: () => callExpecting(onMemory, "habits.list", {}, "habits", HABITS),
          redis: () => callExpecting(onRedis, "habits.list", {}, "habits", HABITS)
        }, rounds)
        const calls = 200
        const before = await commandStats(redisPort)
        for (let call = 0; call < calls; call++) await callExpecting(onRedis, "habits.list", {}, "habits", HABITS)
        const perCall = [...diff(before, await commandStats(redisPort))]
          .filter(([name]) => name !== "info")
          .map(([name, count]) => `${name} ${(count / calls).toFixed(2)}`)
          .join(", ")
        await onMemory.close()
        await onRedis.close()
        return {
          params: { habits: HABITS, warmup: rounds.warmup, reps: rounds.reps, policyMode: "log-only" },
          latencies: [
            { label: "habits.list, 2025 session, STATE_STORE=memory", summary: r.memory },
            { label: "habits.list, 2025 session, STATE_STORE=redis", summary: r.redis }
          ],
          throughputs: [],
          ratios: [{
            label: "memory ÷ redis (median latency)",
            value: ratio(r.memory, r.redis),
            meaning: "speed of the Redis instance relative to memory; target ≥ 0.85"
          }],
          notes: [
            `Redis commands per tools/call (INFO commandstats over ${calls} calls): ${perCall}`,
            "awaited per call: the rate-limit check (one EVALSHA); the session touch (one EVALSHA, a session live on this instance) and the stream-event append (MULTI … EXEC) are pipelined and not awaited"
          ]
        }
      } finally {
        await Promise.all([memory.stop(), redis.stop()])
      }
    })
}

const CLIENTS = 8
const SECONDS = 4

export const scaleOut: Benchmark = {
  id: "scale-out",
  title: `Two instances behind a round-robin proxy vs one: ${CLIENTS} concurrent 2025 clients calling habits.list`,
  run: () =>
    withStack(async ({ redisEnv, upstream }) => {
      const env = { ...redisEnv, POLICY_MODE: "off" }
      const instances = await Promise.all([startGateway(env), startGateway(env)])
      const one = await startRoundRobinProxy([instances[0]?.baseUrl ?? ""])
      const two = await startRoundRobinProxy(instances.map((instance) => instance.baseUrl))
      try {
        const seats = []
        let seededAt = performance.now()
        for (let i = 0; i < CLIENTS; i++) {
          const seeded = await seedUser(upstream)
          seededAt = seeded.seededAt
          seats.push({
            one: (await connectLegacy(`${one.url}/mcp`, seeded.credentials)).client,
            two: (await connectLegacy(`${two.url}/mcp`, seeded.credentials)).client
          })
        }
        await waitPastOverlap(seededAt)
        const workers = {
          one: seats.map((seat) => () => callExpecting(seat.one, "habits.list", {}, "habits", HABITS)),
          two: seats.map((seat) => () => callExpecting(seat.two, "habits.list", {}, "habits", HABITS))
        }
        for (const loop of Object.values(workers)) {
          for (let i = 0; i < 10; i++) await Promise.all(loop.map((call) => call()))
        }
        const runs: Record<"one" | "two", Array<LoopRun>> = { one: [], two: [] }
        for (let round = 0; round < 2; round++) {
          for (const name of ["one", "two"] as const) runs[name].push(await closedLoop(workers[name], SECONDS))
        }
        const t = { one: throughputOf(runs.one), two: throughputOf(runs.two) }
        for (const seat of seats) await Promise.all([seat.one.close(), seat.two.close()])
        return {
          params: { clients: CLIENTS, habitsPerUser: HABITS, secondsPerRun: SECONDS, rounds: 2, stateStore: "redis" },
          latencies: [],
          throughputs: [
            { label: "proxy → 1 instance", throughput: t.one },
            { label: "proxy → 2 instances (round robin, no affinity)", throughput: t.two }
          ],
          ratios: [{
            label: "2 instances ÷ 1 (calls/s)",
            value: t.two.callsPerSecond / t.one.callsPerSecond,
            meaning: "scale-out gain on this machine (its 2 cores also run the upstreams, Redis and the load)"
          }],
          notes: [
            "both proxies run in the bench process; every instance, the dev upstreams and Redis share the machine's cores"
          ]
        }
      } finally {
        await Promise.all([one.close(), two.close()])
        await Promise.all(instances.map((instance) => instance.stop()))
      }
    })
}
