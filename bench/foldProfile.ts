/**
 * Where a cold read's time goes, measured in this process on real wire data: the pages of a
 * table pulled raw from the dev mana-sync are decoded with the gateway's own `PullResponse`
 * schema, folded with its `applyChanges`, their event ids forgotten with `forgetEvents`, and the
 * live records listed, exactly the steps `ReadCache.refresh` takes. No HTTP is timed here.
 */
import { Schema } from "effect"
import { applyChanges, emptyFold, forgetEvents, liveRecords } from "../src/sync/fold.ts"
import { PullResponse } from "../src/sync/SyncWire.ts"
import { summarize, type Summary } from "./stats.ts"
import { EPOCH, pullPage } from "./upstream.ts"

export interface FoldProfile {
  readonly changes: number
  readonly decode: Summary
  readonly fold: Summary
  readonly forget: Summary
  readonly live: Summary
}

const timed = <A>(samples: Array<number>, fn: () => A): A => {
  const started = performance.now()
  const result = fn()
  samples.push(performance.now() - started)
  return result
}

export const profileColdFold = async (
  syncUrl: string,
  token: string,
  app: string,
  table: string,
  reps = 5
): Promise<FoldProfile> => {
  const raw: Array<unknown> = []
  let since = EPOCH
  for (;;) {
    const page = await pullPage(syncUrl, token, app, table, since)
    raw.push(page)
    if (page.hasMore !== true) break
    since = page.syncedUntil
  }
  const decodePage = Schema.decodeUnknownSync(PullResponse)
  const samples = {
    decode: [] as Array<number>,
    fold: [] as Array<number>,
    forget: [] as Array<number>,
    live: [] as Array<number>
  }
  let changes = 0
  for (let rep = 0; rep < reps + 1; rep++) {
    const pages = timed(samples.decode, () => raw.map((page) => decodePage(page)))
    const folded = timed(
      samples.fold,
      () => pages.reduce((state, page) => applyChanges(state, page.serverChanges), emptyFold)
    )
    const eventIds = pages.flatMap((page) =>
      page.serverChanges.flatMap((change) => (change.eventId === undefined ? [] : [change.eventId]))
    )
    const forgotten = timed(samples.forget, () => forgetEvents(folded, eventIds))
    timed(samples.live, () => liveRecords(forgotten))
    changes = eventIds.length
  }
  // The first repetition warms the JIT up and is dropped.
  const steady = (values: Array<number>) => summarize(values.slice(1))
  return {
    changes,
    decode: steady(samples.decode),
    fold: steady(samples.fold),
    forget: steady(samples.forget),
    live: steady(samples.live)
  }
}
