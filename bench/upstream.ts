/**
 * Talking to the dev mana-sync directly, as the benchmarks' ceiling and seeder: one raw pull page,
 * a full pull from the epoch, batched raw pushes, and builders for habit and note change rows as
 * the web app would write them. The seeder and the ceiling use their own client ids, so neither
 * echo suppression nor the gateway's reader id hides a row. Not a sync client: no folding.
 */
import { Schema } from "effect"

const seederId = "bench-seeder"
const ceilingId = "bench-ceiling"
export const EPOCH = "1970-01-01T00:00:00.000Z"

const PullPage = Schema.Struct({
  serverChanges: Schema.Array(Schema.Unknown),
  syncedUntil: Schema.String,
  hasMore: Schema.optional(Schema.Boolean)
})

/** One pull request: the same request the gateway's read cache sends for a delta. */
export const pullPage = async (syncUrl: string, token: string, app: string, table: string, since: string) => {
  const response = await fetch(`${syncUrl}/sync/${app}/pull?collection=${table}&since=${encodeURIComponent(since)}`, {
    headers: { authorization: `Bearer ${token}`, "x-client-id": ceilingId }
  })
  if (!response.ok) throw new Error(`pull ${response.status}: ${await response.text()}`)
  return Schema.decodeUnknownSync(PullPage)(await response.json())
}

/** Every page from the epoch: what a client without a cache pays. Returns the change count. */
export const pullAll = async (syncUrl: string, token: string, app: string, table: string): Promise<number> => {
  let since = EPOCH
  let count = 0
  for (;;) {
    const page = await pullPage(syncUrl, token, app, table, since)
    count += page.serverChanges.length
    if (page.hasMore !== true) return count
    since = page.syncedUntil
  }
}

/** Pushes `changes` in batches of `batch` (well under mana-sync's 10 MiB body cap). */
export const pushAll = async (
  syncUrl: string,
  token: string,
  app: string,
  changes: ReadonlyArray<object>,
  batch = 1000
) => {
  for (let start = 0; start < changes.length; start += batch) {
    const response = await fetch(`${syncUrl}/sync/${app}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "x-client-id": seederId },
      body: JSON.stringify({
        clientId: seederId,
        since: new Date().toISOString(),
        changes: changes.slice(start, start + batch)
      })
    })
    if (!response.ok) throw new Error(`push ${response.status}: ${await response.text()}`)
    await response.body?.cancel()
  }
}

export interface Owner {
  readonly userId: string
  readonly spaceId: string
}

const iso = (millis: number) => new Date(millis).toISOString()

/**
 * An insert of record `i` of `count` into `table`, as the web app writes it: the record's own
 * fields plus id, timestamps an hour ago (one millisecond apart), space, author and visibility.
 */
const insertOf = <F extends Record<string, unknown>>(
  table: string,
  owner: Owner,
  base: number,
  i: number,
  fields: F
) => {
  const id = crypto.randomUUID()
  return {
    table,
    id,
    op: "insert",
    spaceId: owner.spaceId,
    data: {
      id,
      ...fields,
      createdAt: iso(base + i),
      updatedAt: iso(base + i),
      spaceId: owner.spaceId,
      authorId: owner.userId,
      visibility: "space"
    }
  }
}

/** `count` habit inserts in `owner`'s space, as the web app writes them. */
export const habitInserts = (owner: Owner, count: number, options: { archived?: boolean } = {}) => {
  const base = Date.now() - 3_600_000
  return Array.from({ length: count }, (_, i) =>
    insertOf("habits", owner, base, i, {
      title: `Habit ${i}`,
      icon: "star",
      color: "#6366f1",
      targetPerDay: 1,
      defaultDuration: null,
      order: i,
      isArchived: options.archived ?? false
    }))
}

/** `count` field updates spread round-robin over `ids` (history that does not add records). */
export const habitUpdates = (owner: Owner, ids: ReadonlyArray<string>, count: number) => {
  const base = Date.now()
  return Array.from({ length: count }, (_, i) => ({
    table: "habits",
    id: ids[i % ids.length] ?? "",
    op: "update",
    spaceId: owner.spaceId,
    fields: { targetPerDay: { value: (i % 9) + 1, at: iso(base + i) } }
  }))
}

/** Ids of the records that a list of inserts creates. */
export const idsOf = (changes: ReadonlyArray<{ readonly id: string }>) => changes.map((change) => change.id)

/** `count` note inserts whose title and content are already `enc:1:` strings from `seal`. */
export const noteInserts = async (
  owner: Owner,
  count: number,
  seal: (value: string) => Promise<string>,
  /** How many times the body's sentence repeats: 4 is a short note, 250 a 20 KB one. */
  repeat = 4
) => {
  const base = Date.now() - 3_600_000
  return Promise.all(Array.from({ length: count }, async (_, i) =>
    insertOf("notes", owner, base, i, {
      title: await seal(`Note ${i}`),
      content: await seal(`Some **markdown** body of note ${i}, long enough to look like a real note. `.repeat(repeat)),
      color: null,
      isPinned: false,
      isArchived: false
    })))
}

/** `count` open tasks whose title and description are already `enc:1:` strings from `seal`. */
export const taskInserts = async (owner: Owner, count: number, seal: (value: string) => Promise<string>) => {
  const base = Date.now() - 3_600_000
  return Promise.all(Array.from({ length: count }, async (_, i) =>
    insertOf("tasks", owner, base, i, {
      title: await seal(`Task ${i}`),
      description: await seal(`Details of task ${i}, a sentence or two like a real one.`),
      priority: "medium",
      isCompleted: false,
      completedAt: null,
      dueDate: null,
      order: i,
      subtasks: null
    })))
}
