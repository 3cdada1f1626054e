/**
 * Timing and statistics for the benchmarks: summaries (median, p95, mean) of latency samples,
 * interleaved measurement of several cases (so drift, GC and a noisy neighbour hit every case
 * alike) and closed-loop throughput runs. Knows nothing about the gateway or what is measured.
 */

export interface Summary {
  readonly n: number
  readonly medianMs: number
  readonly p95Ms: number
  readonly p99Ms: number
  readonly meanMs: number
  readonly minMs: number
}

/** Nearest-rank percentile of sorted samples. */
const percentile = (sorted: ReadonlyArray<number>, p: number): number => {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] ?? Number.NaN
}

export const summarize = (samples: ReadonlyArray<number>): Summary => {
  const sorted = [...samples].sort((a, b) => a - b)
  const total = sorted.reduce((sum, value) => sum + value, 0)
  return {
    n: sorted.length,
    medianMs: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    meanMs: sorted.length === 0 ? Number.NaN : total / sorted.length,
    minMs: sorted[0] ?? Number.NaN
  }
}

/** Wall time of one run of `fn`, in milliseconds. */
export const timeOnce = async (fn: () => Promise<unknown>): Promise<number> => {
  const started = performance.now()
  await fn()
  return performance.now() - started
}

export interface Rounds {
  readonly warmup: number
  readonly reps: number
}

/**
 * Runs every case once per round, rotating the order each round, `warmup` rounds unrecorded then
 * `reps` recorded. `before` (untimed) runs ahead of each timed case, e.g. to push new changes.
 */
export const measureInterleaved = async <K extends string>(
  cases: Readonly<Record<K, () => Promise<unknown>>>,
  rounds: Rounds,
  before?: Partial<Readonly<Record<K, () => Promise<unknown>>>>
): Promise<Record<K, Summary>> => {
  const names = Object.keys(cases) as Array<K>
  const samples = new Map<K, Array<number>>(names.map((name) => [name, []]))
  for (let round = 0; round < rounds.warmup + rounds.reps; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length]
      if (name === undefined) continue
      await before?.[name]?.()
      const elapsed = await timeOnce(cases[name])
      if (round >= rounds.warmup) samples.get(name)?.push(elapsed)
    }
  }
  const out = {} as Record<K, Summary>
  for (const name of names) out[name] = summarize(samples.get(name) ?? [])
  return out
}

export interface LoopRun {
  readonly seconds: number
  readonly latencies: ReadonlyArray<number>
}

export interface Throughput {
  readonly callsPerSecond: number
  readonly calls: number
  readonly seconds: number
  readonly latency: Summary
}

/** `workers` closed loops, each calling its own `call` back to back for `seconds`. */
export const closedLoop = async (workers: ReadonlyArray<() => Promise<unknown>>, seconds: number): Promise<LoopRun> => {
  const latencies: Array<number> = []
  const started = performance.now()
  const deadline = started + seconds * 1000
  await Promise.all(workers.map(async (call) => {
    while (performance.now() < deadline) latencies.push(await timeOnce(call))
  }))
  return { seconds: (performance.now() - started) / 1000, latencies }
}

/** Several closed-loop runs of one case (e.g. alternating rounds) as one throughput figure. */
export const throughputOf = (runs: ReadonlyArray<LoopRun>): Throughput => {
  const latencies = runs.flatMap((run) => run.latencies)
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0)
  return { callsPerSecond: latencies.length / seconds, calls: latencies.length, seconds, latency: summarize(latencies) }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
