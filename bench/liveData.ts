/**
 * Benchmark `live`: reads kept fresh by mana-sync's change notifications (issue #24), in one run.
 * The `peer` rig (gateway in remote mode in its own process, dev upstreams in another, the naive
 * peer in a third, 16 users × 100 habits) under the mixed load: each user's client loops
 * 4 × `habits.list` then 1 × `habits.update` (20 % writes). Reported: calls/s against the peer and
 * against the gateway's own read-only load, mana-sync requests per gateway call (from the
 * gateway's `/metrics`), and how long a rename written straight to mana-sync (the web app) takes to
 * show in `habits.list` (10 trials). With `BENCH_BASELINE` every gateway figure is also measured
 * on the baseline checkout's gateway, in the same rounds.
 */
import { metricValue } from "../test/support/prometheus.ts"
import type { Benchmark, Ratio, ThroughputRow } from "./harness.ts"
import { type Rig, type Seat, withPeerRig } from "./peerRig.ts"
import { expectList, type RawSession } from "./rawMcp.ts"
import { closedLoop, type LoopRun, sleep, summarize, throughputOf } from "./stats.ts"

const USERS = 16
const HABITS = 100
const SECONDS = 4
const ROUNDS = 3
const WARMUP_ROUNDS = 2
const TRIALS = 10

interface Case {
  readonly label: string
  readonly workers: ReadonlyArray<() => Promise<unknown>>
  /** The gateway's base URL, to count its mana-sync requests (none for the peer). */
  readonly gatewayUrl: string | undefined
}

const habitIdsOf = (result: Record<string, unknown>): ReadonlyArray<string> => {
  const structured = result["structuredContent"] as { habits?: ReadonlyArray<{ id: string; title: string }> }
  return (structured.habits ?? []).map((habit) => habit.id)
}

const titleOf = (result: Record<string, unknown>, id: string) => {
  const structured = result["structuredContent"] as { habits?: ReadonlyArray<{ id: string; title: string }> }
  return structured.habits?.find((habit) => habit.id === id)?.title
}

/** One client's loop: four lists, then a rename of the next habit (its own habits only). */
const mixedWorker = (session: RawSession, ids: ReadonlyArray<string>, tag: string) => {
  let step = 0
  return async () => {
    const n = step++
    if (n % 5 === 4) await session.call("habits.update", { id: ids[n % ids.length], title: `${tag} ${n}` })
    else expectList(await session.call("habits.list"), "habits", HABITS)
  }
}

const readWorker = (session: RawSession) => async () => expectList(await session.call("habits.list"), "habits", HABITS)

const syncRequests = async (gatewayUrl: string | undefined) => {
  if (gatewayUrl === undefined) return 0
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text()
  return ["success", "client-error", "server-error", "network-error", "timeout"].reduce(
    (sum, outcome) =>
      sum + metricValue(text, "mana_mcp_upstream_request_duration_seconds_count", { upstream: "mana-sync", outcome }),
    0
  )
}

const casesOf = async (rig: Rig) => {
  const ids = new Map<Seat, ReadonlyArray<string>>()
  for (const seat of rig.seats) ids.set(seat, habitIdsOf(await seat.gatewayLegacy.call("habits.list")))
  const idsFor = (seat: Seat) => ids.get(seat) ?? []
  const cases: Record<string, Case> = {
    gatewayMixed: {
      label: `gateway, ${USERS} users, 4 lists per update`,
      workers: rig.seats.map((seat) => mixedWorker(seat.gatewayLegacy, idsFor(seat), "gateway")),
      gatewayUrl: rig.gateway.baseUrl
    },
    peerMixed: {
      label: `naive peer, ${USERS} users, 4 lists per update`,
      workers: rig.seats.map((seat) => mixedWorker(seat.peerLegacy, idsFor(seat), "peer")),
      gatewayUrl: undefined
    },
    gatewayReads: {
      label: `gateway, ${USERS} users, habits.list only`,
      workers: rig.seats.map((seat) => readWorker(seat.gatewayLegacy)),
      gatewayUrl: rig.gateway.baseUrl
    }
  }
  const baseline = rig.baseline
  if (baseline !== undefined) {
    cases["beforeMixed"] = {
      label: `before: gateway, ${USERS} users, 4 lists per update`,
      workers: rig.seats.map((seat) => mixedWorker(seat.baselineLegacy ?? seat.gatewayLegacy, idsFor(seat), "before")),
      gatewayUrl: baseline.baseUrl
    }
    cases["beforeReads"] = {
      label: `before: gateway, ${USERS} users, habits.list only`,
      workers: rig.seats.map((seat) => readWorker(seat.baselineLegacy ?? seat.gatewayLegacy)),
      gatewayUrl: baseline.baseUrl
    }
  }
  return cases
}

/** A rename pushed straight to mana-sync as the web app would; then lists until it shows. */
const outsideChangeSeen = async (rig: Rig, session: RawSession, trial: number) => {
  const seat = rig.seats[0]
  if (seat === undefined) throw new Error("rig without users")
  const id = habitIdsOf(await session.call("habits.list"))[trial % HABITS] ?? ""
  const title = `Web rename ${trial} ${crypto.randomUUID().slice(0, 6)}`
  const started = performance.now()
  const at = new Date().toISOString()
  const response = await fetch(`${rig.upstreams.syncUrl}/sync/habits`, {
    method: "POST",
    headers: { authorization: `Bearer ${seat.user.accessToken}`, "content-type": "application/json" },
    body: JSON.stringify({
      clientId: "bench-web-app",
      since: at,
      changes: [{
        table: "habits",
        id,
        op: "update",
        spaceId: seat.user.personalSpaceId,
        fields: { title: { value: title, at } }
      }]
    })
  })
  if (!response.ok) throw new Error(`web push ${response.status}`)
  await response.body?.cancel()
  while (titleOf(await session.call("habits.list"), id) !== title) { /* list again */ }
  return performance.now() - started
}

export const liveData: Benchmark = {
  id: "live",
  title: "Live data: mixed load (20 % writes) vs the naive peer, mana-sync requests per call, outside change seen",
  run: () => {
    const baselineRoot = process.env["BENCH_BASELINE"]
    const baselineOption = baselineRoot === undefined || baselineRoot === "" ? {} : { baselineRoot }
    return withPeerRig({ users: USERS, habits: HABITS, withPeer: true, ...baselineOption }, async (rig) => {
      const cases = await casesOf(rig)
      const names = Object.keys(cases)
      for (let round = 0; round < WARMUP_ROUNDS; round++) {
        for (const name of names) await closedLoop(cases[name]?.workers ?? [], 1)
      }
      const runs = new Map<string, Array<LoopRun>>(names.map((name) => [name, []]))
      const requests = new Map<string, number>(names.map((name) => [name, 0]))
      for (let round = 0; round < ROUNDS; round++) {
        for (let i = 0; i < names.length; i++) {
          const name = names[(round + i) % names.length] ?? ""
          const one = cases[name]
          if (one === undefined) continue
          const before = await syncRequests(one.gatewayUrl)
          runs.get(name)?.push(await closedLoop(one.workers, SECONDS))
          requests.set(name, (requests.get(name) ?? 0) + (await syncRequests(one.gatewayUrl)) - before)
        }
      }
      const throughput = (name: string) => throughputOf(runs.get(name) ?? [])
      const rate = (name: string) => throughput(name).callsPerSecond
      const perCall = (name: string) => (requests.get(name) ?? 0) / throughput(name).calls

      // Outside changes, gateway and baseline alternating, on the first user's session.
      const seat = rig.seats[0]
      const seen: Record<string, Array<number>> = { gateway: [], before: [] }
      for (let trial = 0; trial < TRIALS && seat !== undefined; trial++) {
        await sleep(300)
        seen["gateway"]?.push(await outsideChangeSeen(rig, seat.gatewayLegacy, trial))
        if (seat.baselineLegacy !== undefined) {
          await sleep(300)
          seen["before"]?.push(await outsideChangeSeen(rig, seat.baselineLegacy, trial + TRIALS))
        }
      }
      const gatewaySeen = summarize(seen["gateway"] ?? [])
      const beforeSeen = (seen["before"] ?? []).length > 0 ? summarize(seen["before"] ?? []) : undefined

      const rows: Array<ThroughputRow> = names.map((name) => ({
        label: cases[name]?.label ?? name,
        throughput: throughput(name)
      }))
      const ratios: Array<Ratio> = [
        { label: "mixed: gateway ÷ peer", value: rate("gatewayMixed") / rate("peerMixed"), meaning: "target ≥ 1.5" },
        {
          label: "gateway mixed ÷ gateway read-only",
          value: rate("gatewayMixed") / rate("gatewayReads"),
          meaning: "target ≥ 0.8"
        },
        {
          label: "mixed: mana-sync requests per gateway call",
          value: perCall("gatewayMixed"),
          meaning: "target ≤ 0.5"
        },
        { label: "read-only: mana-sync requests per gateway call", value: perCall("gatewayReads"), meaning: "target 0" }
      ]
      if (names.includes("beforeMixed")) {
        ratios.push(
          {
            label: "before: mixed: gateway ÷ peer",
            value: rate("beforeMixed") / rate("peerMixed"),
            meaning: "baseline"
          },
          {
            label: "before: gateway mixed ÷ read-only",
            value: rate("beforeMixed") / rate("beforeReads"),
            meaning: "baseline"
          },
          {
            label: "before: mixed: mana-sync requests per call",
            value: perCall("beforeMixed"),
            meaning: "baseline"
          },
          { label: "after ÷ before, mixed", value: rate("gatewayMixed") / rate("beforeMixed"), meaning: "" }
        )
      }
      const ms = (value: number) => `${value.toFixed(0)} ms`
      return {
        params: { users: USERS, habitsPerUser: HABITS, secondsPerRun: SECONDS, rounds: ROUNDS, trials: TRIALS },
        latencies: [
          {
            label: "outside change (rename pushed to mana-sync) until habits.list shows it: gateway",
            summary: gatewaySeen
          },
          ...(beforeSeen === undefined ? [] : [{ label: "the same, before", summary: beforeSeen }])
        ],
        throughputs: rows,
        ratios,
        notes: [
          `outside change seen: gateway median ${ms(gatewaySeen.medianMs)}, max ${
            ms(Math.max(...(seen["gateway"] ?? [0])))
          }${
            beforeSeen === undefined
              ? ""
              : `; before median ${ms(beforeSeen.medianMs)}, max ${ms(Math.max(...(seen["before"] ?? [0])))}`
          } (target ≤ 250 ms)`,
          ...(baselineRoot === undefined ? [] : [`baseline gateway: ${baselineRoot}`]),
          "gateway in remote mode in its own process; dev mana-auth + mana-sync in a second; the peer in a third; the load generator in a fourth, all on the same cores"
        ]
      }
    })
  }
}
