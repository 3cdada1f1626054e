/**
 * Benchmark 4, era throughput: N concurrent clients (one user each, 50 habits each) calling
 * `habits.list` back to back, 2025 sessions vs. 2026-07-28 per-request clients, against the
 * ceiling of the same N loops doing the raw upstream delta pull. The gateway runs with
 * POLICY_MODE=off, so the per-user rate limit (30/min by default) cannot deny or slow a call.
 */
import type { Client } from "@modelcontextprotocol/client"
import { type DevUser, registerUser } from "../test/support/devUsers.ts"
import { connectLegacy, connectModern } from "../test/support/mcpClients.ts"
import { type Benchmark, callExpecting, waitPastOverlap, withGateway } from "./harness.ts"
import { closedLoop, type LoopRun, throughputOf } from "./stats.ts"
import { habitInserts, pullPage, pushAll } from "./upstream.ts"

const CLIENTS = 8
const HABITS = 50
const SECONDS = 4
const ROUNDS = 2
const WARMUP_CALLS = 10

interface Seat {
  readonly user: DevUser
  readonly legacy: Client
  readonly modern: Client
}

export const eras: Benchmark = {
  id: "eras",
  title: `Era throughput: ${CLIENTS} concurrent clients calling habits.list`,
  run: () =>
    withGateway(async (gateway) => {
      const seats: Array<Seat> = []
      let seededAt = performance.now()
      try {
        for (let i = 0; i < CLIENTS; i++) {
          const user = await registerUser(gateway.authUrl)
          const credentials = { token: user.accessToken, spaceId: user.personalSpaceId }
          await pushAll(
            gateway.syncUrl,
            user.accessToken,
            "habits",
            habitInserts({ userId: user.userId, spaceId: user.personalSpaceId }, HABITS)
          )
          seededAt = performance.now()
          seats.push({
            user,
            legacy: (await connectLegacy(gateway.mcpUrl, credentials)).client,
            modern: (await connectModern(gateway.mcpUrl, credentials)).client
          })
        }
        await waitPastOverlap(seededAt)
        const workers = {
          ceiling: seats.map((seat) => () =>
            pullPage(
              gateway.syncUrl,
              seat.user.accessToken,
              "habits",
              "habits",
              new Date(Date.now() - 5000).toISOString()
            )
          ),
          legacy: seats.map((seat) => () => callExpecting(seat.legacy, "habits.list", {}, "habits", HABITS)),
          modern: seats.map((seat) => () => callExpecting(seat.modern, "habits.list", {}, "habits", HABITS))
        }
        for (const loop of Object.values(workers)) {
          for (let i = 0; i < WARMUP_CALLS; i++) await Promise.all(loop.map((call) => call()))
        }
        const runs: Record<keyof typeof workers, Array<LoopRun>> = { ceiling: [], legacy: [], modern: [] }
        for (let round = 0; round < ROUNDS; round++) {
          for (const name of ["ceiling", "legacy", "modern"] as const) {
            runs[name].push(await closedLoop(workers[name], SECONDS))
          }
        }
        const t = {
          ceiling: throughputOf(runs.ceiling),
          legacy: throughputOf(runs.legacy),
          modern: throughputOf(runs.modern)
        }
        return {
          params: {
            clients: CLIENTS,
            habitsPerUser: HABITS,
            secondsPerRun: SECONDS,
            rounds: ROUNDS,
            policyMode: "off"
          },
          latencies: [],
          throughputs: [
            { label: `ceiling: raw delta pulls, ${CLIENTS} loops`, throughput: t.ceiling },
            { label: `habits.list, 2025 sessions, ${CLIENTS} clients`, throughput: t.legacy },
            { label: `habits.list, 2026-07-28, ${CLIENTS} clients`, throughput: t.modern }
          ],
          ratios: [
            {
              label: "2026-07-28 ÷ 2025 (calls/s)",
              value: t.modern.callsPerSecond / t.legacy.callsPerSecond,
              meaning: "> 1: the stateless era is faster"
            },
            {
              label: "2025 ÷ ceiling (calls/s)",
              value: t.legacy.callsPerSecond / t.ceiling.callsPerSecond,
              meaning: "share of upstream throughput the gateway delivers"
            },
            {
              label: "2026-07-28 ÷ ceiling (calls/s)",
              value: t.modern.callsPerSecond / t.ceiling.callsPerSecond,
              meaning: "share of upstream throughput the gateway delivers"
            }
          ],
          notes: [
            "each era's run alternates with the others (ceiling, 2025, 2026-07-28, repeated), so drift hits all three alike"
          ]
        }
      } finally {
        for (const seat of seats) {
          await seat.legacy.close()
          await seat.modern.close()
        }
      }
    })
}
