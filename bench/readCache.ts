/**
 * Benchmark 2, incremental read cache: `habits.list` over a table with a long change history
 * (200 live habits; 1,000 vs 20,000 change rows pushed raw). The first (cold) list folds the whole
 * history; every later list pulls and folds only the changes since the cursor, so after N new
 * changes a warm list should cost the same at 1k and 20k history. Ceiling: a raw full pull.
 */
import type { Client } from "@modelcontextprotocol/client"
import { type DevUser, registerUser } from "../test/support/devUsers.ts"
import { connectModern } from "../test/support/mcpClients.ts"
import { type Benchmark, callExpecting, type LatencyRow, ratio, waitPastOverlap, withGateway } from "./harness.ts"
import { measureInterleaved, summarize, timeOnce } from "./stats.ts"
import { habitInserts, habitUpdates, idsOf, pullAll, pushAll } from "./upstream.ts"

const LIVE = 200
const SMALL = 1_000
const LARGE = 20_000
/** Users per history size: each gives one cold sample (the cache is per user and table). */
const COLD_USERS = 3
const NEW_CHANGES = 10
const BURST = 1_000
const warmRounds = { warmup: 10, reps: 80 }

interface Seeded {
  readonly user: DevUser
  readonly ids: ReadonlyArray<string>
  readonly history: number
  readonly client: Client
}

const seed = async (authUrl: string, syncUrl: string, mcpUrl: string, history: number): Promise<Seeded> => {
  const user = await registerUser(authUrl)
  const owner = { userId: user.userId, spaceId: user.personalSpaceId }
  const inserts = habitInserts(owner, LIVE)
  const ids = idsOf(inserts)
  await pushAll(syncUrl, user.accessToken, "habits", [...inserts, ...habitUpdates(owner, ids, history - LIVE)])
  const client = (await connectModern(mcpUrl, { token: user.accessToken, spaceId: user.personalSpaceId })).client
  return { user, ids, history, client }
}

export const readCache: Benchmark = {
  id: "read-cache",
  title: "Incremental read cache: warm habits.list at 1k vs 20k history",
  run: () =>
    withGateway(async (gateway) => {
      const seeded: Array<Seeded> = []
      for (let i = 0; i < COLD_USERS; i++) {
        seeded.push(await seed(gateway.authUrl, gateway.syncUrl, gateway.mcpUrl, SMALL))
        seeded.push(await seed(gateway.authUrl, gateway.syncUrl, gateway.mcpUrl, LARGE))
      }
      const seededAt = performance.now()
      try {
        await waitPastOverlap(seededAt)
        const list = (s: Seeded) => callExpecting(s.client, "habits.list", {}, "habits", LIVE)
        const pushNew = (s: Seeded, count: number) => () =>
          pushAll(gateway.syncUrl, s.user.accessToken, "habits", habitUpdates({ userId: s.user.userId, spaceId: s.user.personalSpaceId }, s.ids, count))

        const coldSmall: Array<number> = []
        const coldLarge: Array<number> = []
        for (const s of seeded) (s.history === LARGE ? coldLarge : coldSmall).push(await timeOnce(() => list(s)))

        const small = seeded.find((s) => s.history === SMALL)
        const large = seeded.find((s) => s.history === LARGE)
        if (small === undefined || large === undefined) throw new Error("seeding failed")
        const pullLarge = () => pullAll(gateway.syncUrl, large.user.accessToken, "habits", "habits")
        if ((await pullLarge()) !== LARGE) throw new Error("the 20k history is not all there")

        const warm = await measureInterleaved(
          { small: () => list(small), large: () => list(large) },
          warmRounds,
          { small: pushNew(small, NEW_CHANGES), large: pushNew(large, NEW_CHANGES) }
        )
        const full = await measureInterleaved({ full: pullLarge }, { warmup: 1, reps: 10 })
        // A burst: N = 1,000 new changes before each list, to show the cost follows N, not history.
        const burst = await measureInterleaved({ large: () => list(large) }, { warmup: 2, reps: 10 }, { large: pushNew(large, BURST) })

        const cold = { small: summarize(coldSmall), large: summarize(coldLarge) }
        const latencies: Array<LatencyRow> = [
          { label: `cold list, ${SMALL} history (first read per user)`, summary: cold.small },
          { label: `cold list, ${LARGE} history (first read per user)`, summary: cold.large },
          { label: `warm list after ${NEW_CHANGES} new changes, ${SMALL} history`, summary: warm.small },
          { label: `warm list after ${NEW_CHANGES} new changes, ${LARGE} history`, summary: warm.large },
          { label: `warm list after ${BURST} new changes, ${LARGE}+ history`, summary: burst.large },
          { label: `ceiling: raw full pull from epoch, ${LARGE} rows (${LARGE / 1000} pages)`, summary: full.full }
        ]
        return {
          params: { liveHabits: LIVE, smallHistory: SMALL, largeHistory: LARGE, coldUsersPerSize: COLD_USERS, newChangesPerWarmList: NEW_CHANGES, ...warmRounds },
          latencies,
          throughputs: [],
          ratios: [
            { label: "warm 20k ÷ warm 1k", value: ratio(warm.large, warm.small), meaning: "≈ 1 means a warm list is O(new changes), not O(history)" },
            { label: "cold 20k ÷ warm 20k", value: ratio(cold.large, warm.large), meaning: "what the cache saves per list" },
            { label: "raw full pull 20k ÷ warm 20k", value: ratio(full.full, warm.large), meaning: "the gateway vs. re-reading the history upstream" },
            { label: "warm after 1,000 ÷ warm after 10 (20k)", value: ratio(burst.large, warm.large), meaning: "cost follows the number of new changes" }
          ],
          notes: [
            `each warm list's delta pull starts ${5} s before the cursor (ReadCache overlap), so it re-delivers every change pushed in the last 5 s; they are deduplicated by eventId`
          ]
        }
      } finally {
        for (const s of seeded) await s.client.close()
      }
    })
}
