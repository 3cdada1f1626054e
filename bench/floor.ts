/**
 * Benchmark `floor` (#25): what a cached read costs the gateway against what its bytes alone cost.
 * The floor (`bench/floorServer.ts`) parses the same JSON-RPC request and serialises the same
 * answer — the `result` the gateway gave each user, seeded once — with no auth, no MCP, no
 * upstream. Same rig as `peer` (gateway in remote mode in its own process, 16 users, 100 habits,
 * reads served from the read cache), measured in the same interleaved rounds; with
 * `BENCH_BASELINE` the older checkout's gateway too (before/after). Reports gateway ÷ floor and
 * server CPU per call; `peer-profile` gives the profile breakdown.
 */
import { headersFor } from "../test/support/mcpClients.ts"
import type { Benchmark, Ratio, ThroughputRow } from "./harness.ts"
import { type Case, listed, measure, type Measured, rate } from "./peer.ts"
import { type Seat, withPeerRig } from "./peerRig.ts"
import { startFloor } from "./processes.ts"
import { modernCaller, type RawSession } from "./rawMcp.ts"

const USERS = 16
const HABITS = 100

const headersOf = (seat: Seat) => headersFor({ token: seat.user.accessToken, spaceId: seat.user.personalSpaceId })

const baselineRoot = process.env["BENCH_BASELINE"]
const baselineOption = baselineRoot === undefined || baselineRoot === "" ? {} : { baselineRoot }

const loads = (label: string, seats: ReadonlyArray<Seat>, pid: number | undefined, of: (seat: Seat) => RawSession) => ({
  label,
  workers: seats.map((seat) => listed(() => of(seat).call("habits.list"))),
  pid
})

export const floor: Benchmark = {
  id: "floor",
  title: "Cached read: the gateway vs. a floor that only parses the request and serialises the answer",
  run: () =>
    withPeerRig({ users: USERS, habits: HABITS, withPeer: false, ...baselineOption }, async (rig) => {
      const server = await startFloor()
      try {
        const seed = server.mcpUrl.replace(/\/mcp$/, "/seed")
        const floorOf = new Map<Seat, RawSession>()
        for (const seat of rig.seats) {
          const result = await seat.gatewayModern.call("habits.list")
          const seeded = await fetch(seed, {
            method: "POST",
            body: JSON.stringify({ authorization: headersOf(seat).authorization, result })
          })
          if (seeded.status !== 204) throw new Error(`floor seed failed: ${seeded.status}`)
          floorOf.set(seat, modernCaller(server.mcpUrl, headersOf(seat)))
        }
        const cases: Record<string, Case> = {
          floor16: loads(`floor: parse + serialise the same answer, ${USERS} users`, rig.seats, server.pid, (seat) =>
            floorOf.get(seat) ?? seat.gatewayModern),
          modern16: loads(`gateway, ${USERS} users, 2026-07-28`, rig.seats, rig.gateway.pid, (s) =>
            s.gatewayModern),
          legacy16: loads(`gateway, ${USERS} users, one 2025 session each`, rig.seats, rig.gateway.pid, (s) =>
            s.gatewayLegacy)
        }
        if (rig.baseline !== undefined) {
          cases["before16modern"] = loads(
            `before: gateway, ${USERS} users, 2026-07-28`,
            rig.seats,
            rig.baseline.pid,
            (s) =>
              s.baselineModern ?? s.gatewayModern
          )
          cases["before16legacy"] = loads(
            `before: gateway, ${USERS} users, one 2025 session each`,
            rig.seats,
            rig.baseline.pid,
            (s) =>
              s.baselineLegacy ?? s.gatewayLegacy
          )
        }
        const measured: Record<string, Measured> = await measure(cases, rig.upstreams.pid)
        const at = (name: string): Measured => {
          const one = measured[name]
          if (one === undefined) {
            throw new Error(`no case ${name}`)
          }
          return one
        }
        const over = (label: string, num: string, meaning: string): Ratio => ({
          label,
          value: rate(at(num)) / rate(at("floor16")),
          meaning
        })
        const ratios: Array<Ratio> = [
          over("gateway 2026 ÷ floor, 16 users", "modern16", "target ≥ 0.75 (#25)"),
          over("gateway 2025 ÷ floor, 16 users", "legacy16", "target ≥ 0.75 (#25)")
        ]
        if (rig.baseline !== undefined) {
          ratios.push(
            over("before: gateway 2026 ÷ floor, 16 users", "before16modern", "the same ratio for the baseline"),
            over("before: gateway 2025 ÷ floor, 16 users", "before16legacy", "the same ratio for the baseline"),
            {
              label: "after ÷ before, 16 users, 2026",
              value: rate(at("modern16")) / rate(at("before16modern")),
              meaning: ""
            },
            {
              label: "after ÷ before, 16 users, 2025",
              value: rate(at("legacy16")) / rate(at("before16legacy")),
              meaning: ""
            }
          )
        }
        const throughputs: Array<ThroughputRow> = Object.entries(cases).map(([name, one]) => ({
          label: one.label,
          throughput: at(name).throughput
        }))
        return {
          params: { users: USERS, habitsPerUser: HABITS },
          latencies: [],
          throughputs,
          ratios,
          notes: [
            `server CPU per call (process CPU time ÷ calls): ${
              Object.entries(cases).map(([name, one]) => `${one.label}: ${at(name).cpuMsPerCall.toFixed(3)} ms`).join(
                "; "
              )
            }`,
            ...(rig.baseline === undefined ? [] : [`baseline gateway: ${baselineRoot}`]),
            "the floor's answer is the gateway's own result for that user (seeded once); the floor serialises it afresh per call"
          ]
        }
      } finally {
        await server.stop()
      }
    })
}
