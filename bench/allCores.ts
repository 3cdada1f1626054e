/**
 * Benchmark `all-cores` (#25): throughput of one gateway process against two on the same port
 * (`GATEWAY_PROCESSES=1` vs `2`, both `STATE_STORE=redis` on one `redis-server`, remote mode
 * against the same dev upstreams), 16 users calling `habits.list` (2026-07-28, cached reads),
 * measured in interleaved rounds. CPU per call counts every process of a gateway. Two processes
 * help only where a core is free for the second: on a 2-core machine the load generator and the
 * upstreams take one.
 */
import { randomBytes } from "node:crypto"
import { availableParallelism } from "node:os"
import { type Gateway, startGateway } from "../test/harness/gatewayProcess.ts"
import { startRedisServer } from "../test/harness/redisServer.ts"
import { registerUser } from "../test/support/devUsers.ts"
import { headersFor } from "../test/support/mcpClients.ts"
import { benchEnv, type Benchmark, waitPastOverlap } from "./harness.ts"
import { type Case, listed, measure, rate } from "./peer.ts"
import { treeCpuSeconds } from "./processes.ts"
import { modernCaller } from "./rawMcp.ts"
import { habitInserts, pushAll } from "./upstream.ts"

const USERS = 16
const HABITS = 100

export const allCores: Benchmark = {
  id: "all-cores",
  title: "All cores: one gateway process vs. two on one port (GATEWAY_PROCESSES, STATE_STORE=redis)",
  run: async () => {
    const redis = await startRedisServer()
    const stops: Array<() => Promise<unknown>> = [() => redis.stop()]
    try {
      const upstreams = await startGateway(benchEnv, { direct: true })
      stops.unshift(() => upstreams.stop())
      const shared = {
        ...benchEnv,
        MANA_AUTH_URL: upstreams.authUrl,
        MANA_SYNC_URL: upstreams.syncUrl,
        STATE_STORE: "redis",
        REDIS_URL: redis.url,
        STATE_ENCRYPTION_KEY: randomBytes(32).toString("base64")
      }
      const gateways: Record<"one" | "two", Gateway> = {
        one: await startGateway({ ...shared, GATEWAY_PROCESSES: "1" }, { direct: true }),
        two: await startGateway({ ...shared, GATEWAY_PROCESSES: "2" }, { direct: true })
      }
      stops.unshift(() => gateways.one.stop(), () => gateways.two.stop())
      const headers: Array<Record<string, string>> = []
      let seededAt = performance.now()
      for (let i = 0; i < USERS; i++) {
        const user = await registerUser(upstreams.authUrl)
        await pushAll(
          upstreams.syncUrl,
          user.accessToken,
          "habits",
          habitInserts({ userId: user.userId, spaceId: user.personalSpaceId }, HABITS)
        )
        seededAt = performance.now()
        headers.push(headersFor({ token: user.accessToken, spaceId: user.personalSpaceId }))
      }
      await waitPastOverlap(seededAt)
      const caseOf = (count: string, gateway: Gateway): Case => ({
        label: `GATEWAY_PROCESSES=${count}, ${USERS} users, 2026-07-28`,
        workers: headers.map((h) => listed(() => modernCaller(gateway.mcpUrl, h).call("habits.list"))),
        pid: gateway.pid,
        cpuOf: treeCpuSeconds
      })
      const cases = { one: caseOf("1", gateways.one), two: caseOf("2", gateways.two) }
      const m = await measure(cases, upstreams.pid)
      return {
        params: { users: USERS, habitsPerUser: HABITS, cores: availableParallelism() },
        latencies: [],
        throughputs: [
          { label: cases.one.label, throughput: m.one.throughput },
          { label: cases.two.label, throughput: m.two.throughput }
        ],
        ratios: [{
          label: "2 processes ÷ 1 process, calls/s",
          value: rate(m.two) / rate(m.one),
          meaning: "target ≥ 1.6 where cores are free (#25)"
        }],
        notes: [
          `gateway CPU per call (all its processes): 1 process ${m.one.cpuMsPerCall.toFixed(3)} ms, 2 processes ${
            m.two.cpuMsPerCall.toFixed(3)
          } ms; load generator ${m.one.clientCpuMsPerCall.toFixed(3)} / ${m.two.clientCpuMsPerCall.toFixed(3)} ms`,
          `${availableParallelism()} cores shared by the gateway(s), the dev upstreams, Redis and the load generator`
        ]
      }
    } finally {
      for (const stop of stops) await stop().catch(() => undefined)
    }
  }
}
