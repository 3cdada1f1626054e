/**
 * Benchmark `peer`: the gateway against the naive SDK-v2 peer (`bench/peerServer.ts`) and the
 * bare-pull ceiling, in one run, same upstreams, 100 habits per user, closed loops of raw MCP
 * clients. Loads: 16 users with one session each, and one user with 16 parallel calls; the
 * gateway in both protocol eras. Reports throughput, p99, and server CPU per call (process CPU
 * time ÷ calls). The cases alternate round by round so drift and neighbours hit them alike.
 */
import { cpSync } from "node:fs"
import { join } from "node:path"
import { formatBreakdown, readProfileDir } from "./cpuProfile.ts"
import { type Benchmark, type Ratio, type ThroughputRow } from "./harness.ts"
import { freshDir, removeDir, type Rig, type Seat, withPeerRig } from "./peerRig.ts"
import { processCpuSeconds } from "./processes.ts"
import { expectList, type RawSession } from "./rawMcp.ts"
import { closedLoop, type LoopRun, type Throughput, throughputOf } from "./stats.ts"
import { EPOCH, pullPage } from "./upstream.ts"

const USERS = 16
const PARALLEL = 16
const HABITS = 100
const SECONDS = 4
const ROUNDS = 3
const WARMUP_ROUNDS = 3

type CaseName =
  | "ceiling16"
  | "peer16"
  | "legacy16"
  | "modern16"
  | "ceiling1"
  | "peer1"
  | "legacy1"
  | "modern1"

export interface Case {
  readonly label: string
  readonly workers: ReadonlyArray<() => Promise<unknown>>
  /** The process whose CPU time is charged to this case. */
  readonly pid: number | undefined
  /** How its CPU time is read (default: the process alone; `treeCpuSeconds` adds its children). */
  readonly cpuOf?: (pid: number | undefined) => number
}

export const listed = (call: () => Promise<Record<string, unknown>>) => async () =>
  expectList(await call(), "habits", HABITS)

const repeat = <A>(value: A) => Array.from({ length: PARALLEL }, () => value)

/** A gateway's four loads (both eras, 16 users and one user × 16); `prefix` names the checkout. */
const gatewayLoads = (
  prefix: string,
  seats: ReadonlyArray<Seat>,
  pid: number | undefined,
  legacyOf: (seat: Seat) => RawSession,
  modernOf: (seat: Seat) => RawSession
) => {
  const first = seats[0]
  if (first === undefined) throw new Error("rig without users")
  return {
    legacy16: {
      label: `${prefix}gateway, ${USERS} users, one 2025 session each`,
      workers: seats.map((seat) => listed(() => legacyOf(seat).call("habits.list"))),
      pid
    },
    modern16: {
      label: `${prefix}gateway, ${USERS} users, 2026-07-28`,
      workers: seats.map((seat) => listed(() => modernOf(seat).call("habits.list"))),
      pid
    },
    legacy1: {
      label: `${prefix}gateway, one user, ${PARALLEL} parallel calls in one 2025 session`,
      workers: repeat(listed(() => legacyOf(first).call("habits.list"))),
      pid
    },
    modern1: {
      label: `${prefix}gateway, one user, ${PARALLEL} parallel calls, 2026-07-28`,
      workers: repeat(listed(() => modernOf(first).call("habits.list"))),
      pid
    }
  } satisfies Record<string, Case>
}

const casesOf = (rig: Rig): Record<CaseName, Case> => {
  const { gateway, peer, seats, upstreams } = rig
  const first = seats[0]
  if (first === undefined || peer === undefined) throw new Error("rig without users or peer")
  const bare = (token: string) => () => pullPage(upstreams.syncUrl, token, "habits", "habits", EPOCH)
  const loads = gatewayLoads("", seats, gateway.pid, (seat) => seat.gatewayLegacy, (seat) => seat.gatewayModern)
  return {
    ceiling16: {
      label: `ceiling: bare pull of 100 rows from epoch, ${USERS} users`,
      workers: seats.map((seat) => bare(seat.user.accessToken)),
      pid: upstreams.pid
    },
    peer16: {
      label: `naive peer, ${USERS} users, one 2025 session each`,
      workers: seats.map((seat) => listed(() => seat.peerLegacy.call("habits.list"))),
      pid: peer.pid
    },
    legacy16: loads.legacy16,
    modern16: loads.modern16,
    ceiling1: {
      label: `ceiling: bare pull of 100 rows, one user, ${PARALLEL} parallel`,
      workers: repeat(bare(first.user.accessToken)),
      pid: upstreams.pid
    },
    peer1: {
      label: `naive peer, one user, ${PARALLEL} parallel calls in one session`,
      workers: repeat(listed(() => first.peerLegacy.call("habits.list"))),
      pid: peer.pid
    },
    legacy1: loads.legacy1,
    modern1: loads.modern1
  }
}

type BaselineName = "before16legacy" | "before16modern" | "before1legacy" | "before1modern"

/** The same loads against the baseline gateway (`BENCH_BASELINE`), measured in the same rounds. */
const baselineCasesOf = (rig: Rig): Record<BaselineName, Case> | undefined => {
  const { baseline, seats } = rig
  if (baseline === undefined) return undefined
  const loads = gatewayLoads(
    "before: ",
    seats,
    baseline.pid,
    (seat) => seat.baselineLegacy ?? seat.gatewayLegacy,
    (seat) => seat.baselineModern ?? seat.gatewayModern
  )
  return {
    before16legacy: loads.legacy16,
    before16modern: loads.modern16,
    before1legacy: loads.legacy1,
    before1modern: loads.modern1
  }
}

export interface Measured {
  readonly throughput: Throughput
  /** Server CPU milliseconds per call. */
  readonly cpuMsPerCall: number
  /** CPU milliseconds per call of the dev upstreams' process (for the ceiling: the same as the server). */
  readonly upstreamCpuMsPerCall: number
  /** CPU milliseconds per call of this load generator. */
  readonly clientCpuMsPerCall: number
}

/** This process's CPU seconds (user + system). */
const ownCpuSeconds = () => {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1e6
}

export const measure = async <N extends string>(
  cases: Record<N, Case>,
  upstreamPid: number | undefined
): Promise<Record<N, Measured>> => {
  const names = Object.keys(cases) as Array<N>
  for (let round = 0; round < WARMUP_ROUNDS; round++) {
    for (const name of names) await Promise.all(cases[name].workers.map((call) => call()))
  }
  const runs = new Map<N, Array<LoopRun>>(names.map((name) => [name, []]))
  const cpu = new Map<N, number>(names.map((name) => [name, 0]))
  const upstreamCpu = new Map<N, number>(names.map((name) => [name, 0]))
  const clientCpu = new Map<N, number>(names.map((name) => [name, 0]))
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length]
      if (name === undefined) continue
      const cpuOf = cases[name].cpuOf ?? processCpuSeconds
      const before = cpuOf(cases[name].pid)
      const upstreamBefore = processCpuSeconds(upstreamPid)
      const clientBefore = ownCpuSeconds()
      runs.get(name)?.push(await closedLoop(cases[name].workers, SECONDS))
      cpu.set(name, (cpu.get(name) ?? 0) + cpuOf(cases[name].pid) - before)
      upstreamCpu.set(name, (upstreamCpu.get(name) ?? 0) + processCpuSeconds(upstreamPid) - upstreamBefore)
      clientCpu.set(name, (clientCpu.get(name) ?? 0) + ownCpuSeconds() - clientBefore)
    }
  }
  const out = {} as Record<N, Measured>
  for (const name of names) {
    const throughput = throughputOf(runs.get(name) ?? [])
    const perCall = (seconds: number | undefined) => ((seconds ?? Number.NaN) * 1000) / throughput.calls
    out[name] = {
      throughput,
      cpuMsPerCall: perCall(cpu.get(name)),
      upstreamCpuMsPerCall: perCall(upstreamCpu.get(name)),
      clientCpuMsPerCall: perCall(clientCpu.get(name))
    }
  }
  return out
}

export const rate = (m: Measured) => m.throughput.callsPerSecond

/** `BENCH_BASELINE=<checkout>`: also measure that checkout's gateway (a before/after in one run). */
const baselineRoot = process.env["BENCH_BASELINE"]
const baselineOption = baselineRoot === undefined || baselineRoot === "" ? {} : { baselineRoot }

export const peer: Benchmark = {
  id: "peer",
  title: "Gateway vs. the naive SDK-v2 peer and the bare pull (remote mode, own processes)",
  run: () =>
    withPeerRig({ users: USERS, habits: HABITS, withPeer: true, ...baselineOption }, async (rig) => {
      const cases = casesOf(rig)
      const before = baselineCasesOf(rig)
      const all: Record<string, Case> = { ...cases, ...before }
      const measured = await measure(all, rig.upstreams.pid)
      const m = measured as Record<CaseName, Measured>
      const rows: Array<ThroughputRow> = Object.keys(all).map((name) => ({
        label: all[name]?.label ?? name,
        throughput: (measured[name] as Measured).throughput
      }))
      const over = (label: string, num: Measured, den: Measured, meaning: string): Ratio => ({
        label,
        value: rate(num) / rate(den),
        meaning
      })
      const ratios: Array<Ratio> = [
        over("16 users: gateway 2025 ÷ peer", m.legacy16, m.peer16, "target ≥ 1.5"),
        over("16 users: gateway 2026 ÷ peer", m.modern16, m.peer16, "target ≥ 1.5"),
        over("16 users: gateway 2025 ÷ bare pull", m.legacy16, m.ceiling16, "target ≥ 0.8"),
        {
          label: "16 users: gateway 2025 p99 ÷ bare pull p99",
          value: m.legacy16.throughput.latency.p99Ms / m.ceiling16.throughput.latency.p99Ms,
          meaning: "target ≤ 1.5"
        },
        over("1 user × 16: gateway 2025 ÷ peer", m.legacy1, m.peer1, "target ≥ 1.5"),
        over("1 user × 16: gateway 2026 ÷ peer", m.modern1, m.peer1, "target ≥ 1.5"),
        over("2026 ÷ 2025, 16 users", m.modern16, m.legacy16, "target ≥ 1.0"),
        over("2026 ÷ 2025, 1 user × 16", m.modern1, m.legacy1, "target ≥ 1.0")
      ]
      if (before !== undefined) {
        const b = measured as Record<BaselineName, Measured>
        const same = "the same ratio for the baseline"
        ratios.push(
          over("after ÷ before, 16 users, 2025", m.legacy16, b.before16legacy, ""),
          over("after ÷ before, 16 users, 2026", m.modern16, b.before16modern, ""),
          over("after ÷ before, 1 user × 16, 2025", m.legacy1, b.before1legacy, ""),
          over("after ÷ before, 1 user × 16, 2026", m.modern1, b.before1modern, ""),
          over("before: 16 users: gateway 2025 ÷ peer", b.before16legacy, m.peer16, same),
          over("before: 16 users: gateway 2025 ÷ bare pull", b.before16legacy, m.ceiling16, same),
          over("before: 1 user × 16: gateway 2025 ÷ peer", b.before1legacy, m.peer1, same)
        )
      }
      const cpu = (name: CaseName) => `${m[name].cpuMsPerCall.toFixed(2)} ms`
      return {
        params: { users: USERS, parallel: PARALLEL, habitsPerUser: HABITS, secondsPerRun: SECONDS, rounds: ROUNDS },
        latencies: [],
        throughputs: rows,
        ratios,
        notes: [
          `server CPU per call (process CPU time ÷ calls): gateway 2025 ${cpu("legacy16")} (16 users) / ${
            cpu("legacy1")
          } (1 user × 16); gateway 2026-07-28 ${cpu("modern16")} / ${cpu("modern1")}; peer ${cpu("peer16")} / ${
            cpu("peer1")
          }; dev mana-sync per bare pull ${cpu("ceiling16")}`,
          `CPU per call by process (server / dev upstreams / load generator): ${
            Object.entries(measured).map(([name, x]) => {
              const one = x as Measured
              return `${name} ${one.cpuMsPerCall.toFixed(2)} / ${one.upstreamCpuMsPerCall.toFixed(2)} / ${
                one.clientCpuMsPerCall.toFixed(2)
              } ms`
            }).join("; ")
          }`,
          ...(before === undefined ? [] : [`baseline gateway: ${baselineRoot}`]),
          "gateway in remote mode in its own process; dev mana-auth + mana-sync in a second; the peer in a third; the load generator (raw fetch clients) in a fourth, all on the same cores"
        ]
      }
    })
}

const PROFILE_SECONDS = 8

/** One era's 16-user load against a profiled gateway; the profile is written when it stops. */
const profileEra = async (era: "legacy" | "modern") => {
  const dir = freshDir("mana-mcp-profile-")
  try {
    const calls = await withPeerRig({ users: USERS, habits: HABITS, withPeer: false, profileDir: dir }, async (rig) => {
      const workers = rig.seats.map((seat) =>
        listed(() => (era === "legacy" ? seat.gatewayLegacy : seat.gatewayModern).call("habits.list"))
      )
      for (let i = 0; i < WARMUP_ROUNDS; i++) await Promise.all(workers.map((call) => call()))
      return (await closedLoop(workers, PROFILE_SECONDS)).latencies.length
    })
    const breakdown = readProfileDir(dir)
    if (breakdown === undefined) throw new Error("the gateway wrote no CPU profile")
    // BENCH_PROFILE_KEEP=<dir>: keep the raw profile for a closer look (e.g. in Chrome DevTools).
    const keep = process.env["BENCH_PROFILE_KEEP"]
    if (keep !== undefined) cpSync(dir, join(keep, era), { recursive: true })
    return { calls, breakdown }
  } finally {
    removeDir(dir)
  }
}

export const peerProfile: Benchmark = {
  id: "peer-profile",
  title: "Where the gateway's CPU goes: 16 users calling habits.list (bun --cpu-prof)",
  run: async () => {
    const legacy = await profileEra("legacy")
    const modern = await profileEra("modern")
    return {
      params: { users: USERS, habitsPerUser: HABITS, secondsPerEra: PROFILE_SECONDS },
      latencies: [],
      throughputs: [],
      ratios: [],
      notes: [
        ...formatBreakdown(`2025 sessions (${legacy.calls} calls)`, legacy.breakdown),
        ...formatBreakdown(`2026-07-28 (${modern.calls} calls)`, modern.breakdown)
      ]
    }
  }
}
