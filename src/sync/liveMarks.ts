/**
 * What the read cache knows of each user's change-notification connection (src/live/): whether it
 * is up and its generation (a new one on every `auth-ok` and every loss, so state pulled under one
 * connection is never trusted under the next, which may have missed notices in between), and the
 * echoes of this instance's own pushes still expected on it. Only users whose connection is up
 * are kept, so memory follows the active users.
 */

interface UserLive {
  readonly gen: number
  /** Per `app\0table`: own pushes whose `sync-available` echo has not arrived yet. */
  readonly pending: Map<string, number>
}

/** One key per (app, table), shared with the read cache's table map. */
export const tableKey = (app: string, table: string) => `${app}\u0000${table}`

export const makeLiveMarks = () => {
  const users = new Map<string, UserLive>()
  let generations = 0
  return {
    /** The connection's generation while it is up, `undefined` while down. */
    liveGen: (userId: string): number | undefined => users.get(userId)?.gen,
    setConnected: (userId: string, up: boolean): void => {
      generations += 1
      if (up) users.set(userId, { gen: generations, pending: new Map() })
      else users.delete(userId)
    },
    /** Before one of this instance's pushes to (app, tables) is sent: its echo will come. */
    expectEcho: (userId: string, app: string, tables: Iterable<string>): void => {
      const pending = users.get(userId)?.pending
      if (pending === undefined) return
      for (const table of tables) {
        const key = tableKey(app, table)
        pending.set(key, (pending.get(key) ?? 0) + 1)
      }
    },
    /** The push failed: perhaps nothing was stored, so no echo may be counted on. */
    cancelEcho: (userId: string, app: string, tables: Iterable<string>): void => {
      const pending = users.get(userId)?.pending
      if (pending === undefined) return
      for (const table of tables) {
        const key = tableKey(app, table)
        const left = (pending.get(key) ?? 0) - 1
        if (left > 0) pending.set(key, left)
        else pending.delete(key)
      }
    },
    /** Whether a notice for (app, table) is taken as the echo of an own push (and consumes it). */
    absorbEcho: (userId: string, app: string, table: string): boolean => {
      const pending = users.get(userId)?.pending
      const key = tableKey(app, table)
      const count = pending?.get(key) ?? 0
      if (pending === undefined || count === 0) return false
      if (count > 1) pending.set(key, count - 1)
      else pending.delete(key)
      return true
    }
  }
}
