/**
 * Direct access to the dev mana-sync's real HTTP API for end-to-end tests: a raw pull (as another
 * client would see it) and a raw push (as the web app would write), with the user's own JWT.
 */
export interface RawChange {
  readonly table: string
  readonly id: string
  readonly op: string
  readonly data?: Record<string, unknown>
  readonly fields?: Record<string, { value: unknown; at: string }>
  readonly spaceId?: string
  readonly origin?: string
  readonly actor?: unknown
}

export const rawPullAll = async (
  syncUrl: string,
  token: string,
  app: string,
  table: string
): Promise<Array<RawChange>> => {
  const changes: Array<RawChange> = []
  let since = "1970-01-01T00:00:00.000Z"
  for (;;) {
    const response = await fetch(`${syncUrl}/sync/${app}/pull?collection=${table}&since=${encodeURIComponent(since)}`, {
      headers: { authorization: `Bearer ${token}`, "x-client-id": "e2e-web-app" }
    })
    if (!response.ok) throw new Error(`pull ${response.status}: ${await response.text()}`)
    const page = (await response.json()) as { serverChanges: Array<RawChange>; syncedUntil: string; hasMore?: boolean }
    changes.push(...page.serverChanges)
    if (page.hasMore !== true) return changes
    since = page.syncedUntil
  }
}

export const rawPush = async (syncUrl: string, token: string, app: string, changes: ReadonlyArray<RawChange>) => {
  const response = await fetch(`${syncUrl}/sync/${app}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "x-client-id": "e2e-web-app" },
    body: JSON.stringify({ clientId: "e2e-web-app", since: new Date().toISOString(), changes })
  })
  if (!response.ok) throw new Error(`push ${response.status}: ${await response.text()}`)
}

/**
 * A raw push is another client's change: a gateway with the default READ_FRESHNESS (1 s) shows it
 * to reads that start at most that long after the push. Waiting a bit longer makes the next read pull.
 */
export const pastReadFreshness = () => new Promise((resolve) => setTimeout(resolve, 1_100))

/** A habit as the web app inserts it in `user`'s personal space, to push with `rawPush` (its id too). */
export const webAppHabit = (user: { readonly userId: string; readonly personalSpaceId: string }, title: string) => {
  const id = crypto.randomUUID()
  const data = { id, title, icon: "star", color: "#445566", order: 7, isArchived: false }
  const change: RawChange = {
    table: "habits",
    id,
    op: "insert",
    spaceId: user.personalSpaceId,
    data: { ...data, spaceId: user.personalSpaceId, authorId: user.userId, visibility: "space" }
  }
  return { id, change }
}
