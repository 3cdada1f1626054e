/**
 * Benchmark 2, incremental read cache: `habits.list` over a table with a long change history
 * (200 live habits; 1,000 vs 20,000 change rows pushed raw). The first (cold) list folds the whole
 * history; every later list pulls and folds only the changes since the cursor (plus a 5 s
 * overlap), so after N new changes a warm list should cost the same at 1k and 20k history.
 * Ceiling: the raw full pull from the epoch. Also breaks the cold read down in-process. The
 * gateway runs with READ_FRESHNESS=0, so every list pulls: this measures the delta pull and fold,
 * not the freshness window (which would serve back-to-back lists without pulling).
 */
import type { Client } from "@modelcontextprotocol/client"
import { type DevUser, registerUser } from "../test/support/devUsers.ts"
import { connectModern } from "../test/support/mcpClients.ts"
import { profileColdFold } from "./foldProfile.ts"
import { type Benchmark, callExpecting, OVERLAP_MS, ratio, waitPastOverlap, withGateway } from "./harness.ts"
import { closedLoop, measureInterleaved, summarize, timeOnce } from "./stats.ts"
import { habitInserts, habitUpdates, idsOf, pullAll, pushAll } from "./upstream.ts"

const LIVE = 200
const SMALL = 1_000
const LARGE = 20_000
/** Users per history size: each gives one cold sample (the cache is per user and table). */
const COLD_USERS = 3
const NEW_CHANGES = 10
const BURST = 1_000
const busyRounds = { warmup: 10, reps: 80 }
const QUIET_REPS = 5

interface Seeded {
  readonly user: DevUser
  readonly ids: ReadonlyArray<string>
  readonly history: number
  readonly client: Client
  /** When (performance.now) and how many changes the bench pushed, to size the overlap window. */
  readonly pushes: Array<{ readonly at: number; readonly count: number }>
}

const seed = async (authUrl: string, syncUrl: string, mcpUrl: string, history: number): Promise<Seeded> => {
  const user = await registerUser(authUrl)
  const owner = { userId: user.userId, spaceId: user.personalSpaceId }
  const inserts = habitInserts(owner, LIVE)
  const ids = idsOf(inserts)
  await pushAll(syncUrl, user.accessToken, "habits", [...inserts, ...habitUpdates(owner, ids, history - LIVE)])
  const client = (await connectModern(mcpUrl, { token: user.accessToken, spaceId: user.personalSpaceId })).client
  return { user, ids, history, client, pushes: [] }
}

export const readCache: Benchmark = {
  id: "read-cache",
  title: "Incremental read cache: warm habits.list at 1k vs 20k history",
  run: () =>
    withGateway(async (gateway) => {
      const seeded: Array<Seeded> = []
      try {
        for (let i = 0; i < COLD_USERS; i++) {
          seeded.push(await seed(gateway.authUrl, gateway.syncUrl, gateway.mcpUrl, SMALL))
          seeded.push(await seed(gateway.authUrl, gateway.syncUrl, gateway.mcpUrl, LARGE))
        }
        await waitPastOverlap(performance.now())
        const list = (s: Seeded) => callExpecting(s.client, "habits.list", {}, "habits", LIVE)
        /** Pushes `count` new changes and records how many the next list's overlap window holds. */
        const windows: Array<number> = []
        const pushNew = (s: Seeded, count: number) => async () => {
          await pushAll(
            gateway.syncUrl,
            s.user.accessToken,
            "habits",
            habitUpdates({ userId: s.user.userId, spaceId: s.user.personalSpaceId }, s.ids, count)
          )
          const now = performance.now()
          s.pushes.push({ at: now, count })
          if (s.history === LARGE) {
            windows.push(s.pushes.filter((p) => p.at > now - OVERLAP_MS).reduce((sum, p) => sum + p.count, 0))
          }
        }

        const coldSmall: Array<number> = []
        const coldLarge: Array<number> = []
        for (const s of seeded) (s.history === LARGE ? coldLarge : coldSmall).push(await timeOnce(() => list(s)))
        const cold = { small: summarize(coldSmall), large: summarize(coldLarge) }

        const small = seeded.find((s) => s.history === SMALL)
        const large = seeded.find((s) => s.history === LARGE)
        if (small === undefined || large === undefined) throw new Error("seeding failed")
        const profile = await profileColdFold(gateway.syncUrl, large.user.accessToken, "habits", "habits")
        if (profile.changes !== LARGE) throw new Error(`the 20k history is not all there (${profile.changes})`)
        const pullLarge = () => pullAll(gateway.syncUrl, large.user.accessToken, "habits", "habits")
        const full = await measureInterleaved({ full: pullLarge }, { warmup: 1, reps: 10 })

        // Quiet writer: 10 new changes, then a list more than 5 s after this user's previous list.
        // Meanwhile another user keeps listing, so connections and JIT stay as warm as when busy.
        const filler = seeded.find((s) => s !== small && s !== large && s.history === SMALL)
        if (filler === undefined) throw new Error("no filler user")
        const pause = () => closedLoop([() => list(filler)], (OVERLAP_MS + 200) / 1000)
        await pause()
        const quiet = await measureInterleaved(
          { small: () => list(small), large: () => list(large), pause },
          { warmup: 0, reps: QUIET_REPS },
          { small: pushNew(small, NEW_CHANGES), large: pushNew(large, NEW_CHANGES) }
        )
        windows.length = 0
        // Busy writer: 10 new changes before every list, lists back to back.
        const busy = await measureInterleaved(
          { small: () => list(small), large: () => list(large) },
          busyRounds,
          { small: pushNew(small, NEW_CHANGES), large: pushNew(large, NEW_CHANGES) }
        )
        const busyWindow = summarize(windows.slice(busyRounds.warmup))
        // A burst: N = 1,000 new changes before each list, to show the cost follows N, not history.
        await pause()
        const burst = await measureInterleaved({ large: () => list(large) }, { warmup: 1, reps: 8 }, {
          large: pushNew(large, BURST)
        })

        return {
          params: {
            liveHabits: LIVE,
            smallHistory: SMALL,
            largeHistory: LARGE,
            coldUsersPerSize: COLD_USERS,
            newChangesPerList: NEW_CHANGES,
            busyReps: busyRounds.reps,
            quietReps: QUIET_REPS
          },
          latencies: [
            { label: `cold list, ${SMALL} history (first read, one per user)`, summary: cold.small },
            { label: `cold list, ${LARGE} history (first read, one per user)`, summary: cold.large },
            {
              label: `warm list, quiet writer (${NEW_CHANGES} new, last list > 5 s ago), ${SMALL} history`,
              summary: quiet.small
            },
            {
              label: `warm list, quiet writer (${NEW_CHANGES} new, last list > 5 s ago), ${LARGE} history`,
              summary: quiet.large
            },
            {
              label: `warm list, busy writer (${NEW_CHANGES} new before each list), ${SMALL} history`,
              summary: busy.small
            },
            {
              label: `warm list, busy writer (${NEW_CHANGES} new before each list), ${LARGE} history`,
              summary: busy.large
            },
            { label: `warm list after a burst of ${BURST} new changes, ${LARGE}+ history`, summary: burst.large },
            { label: `ceiling: raw full pull from epoch, ${LARGE} rows (${LARGE / 1000} pages)`, summary: full.full },
            { label: `in-process, ${LARGE} changes: decode pages (PullResponse schema)`, summary: profile.decode },
            { label: `in-process, ${LARGE} changes: fold (applyChanges)`, summary: profile.fold },
            { label: `in-process, ${LARGE} changes: forgetEvents`, summary: profile.forget },
            { label: `in-process, ${LARGE} changes: liveRecords`, summary: profile.live }
          ],
          throughputs: [],
          ratios: [
            {
              label: "warm 20k ÷ warm 1k, quiet writer",
              value: ratio(quiet.large, quiet.small),
              meaning: "≈ 1: a warm list is O(new changes), not O(history)"
            },
            {
              label: "warm 20k ÷ warm 1k, busy writer",
              value: ratio(busy.large, busy.small),
              meaning: "≈ 1, under sustained writes"
            },
            {
              label: "busy ÷ quiet (20k)",
              value: ratio(busy.large, quiet.large),
              meaning: "the 5 s overlap re-delivers recent changes on every read"
            },
            {
              label: "cold 20k ÷ warm 20k (quiet)",
              value: ratio(cold.large, quiet.large),
              meaning: "what the cache saves per list"
            },
            {
              label: "raw full pull 20k ÷ warm 20k (quiet)",
              value: ratio(full.full, quiet.large),
              meaning: "the gateway vs. re-reading the history upstream"
            },
            {
              label: "cold 20k ÷ raw full pull 20k",
              value: ratio(cold.large, full.full),
              meaning: "cold-build cost on top of the transfer (decode + fold)"
            },
            {
              label: `after ${BURST} ÷ after ${NEW_CHANGES} (20k, quiet)`,
              value: ratio(burst.large, quiet.large),
              meaning: "cost follows the number of new changes"
            }
          ],
          notes: [
            `busy writer: each list's delta pull re-delivered a median of ${busyWindow.medianMs.toFixed(0)} (p95 ${
              busyWindow.p95Ms.toFixed(0)
            }) changes pushed in the previous 5 s (ReadCache overlap), deduplicated by eventId; a quiet writer's list sees ~${
              2 * NEW_CHANGES
            }`,
            `cold read of ${LARGE} changes in-process: decode ${profile.decode.medianMs.toFixed(0)} ms + fold ${
              profile.fold.medianMs.toFixed(0)
            } ms + forgetEvents ${profile.forget.medianMs.toFixed(0)} ms + liveRecords ${
              profile.live.medianMs.toFixed(1)
            } ms (medians of 5)`
          ]
        }
      } finally {
        for (const s of seeded) await s.client.close()
      }
    }, { READ_FRESHNESS: "0" })
}
