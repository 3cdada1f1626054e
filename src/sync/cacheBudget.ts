/**
 * What bounds the read cache's memory: how many users it keeps, and how many records all their
 * folded tables hold together (deleted ones included: the trash is read from them). Beyond
 * either bound the least recently read users are dropped, never the one being read, so one user
 * whose data alone exceeds `maxRecords` is still served (and then is all the cache holds). A
 * dropped user's next read pulls from the start. Plain maps and synchronous steps, so nothing can
 * tear; insertion order is recency order (a read re-inserts its user, eviction takes the first).
 */

/** Why a user's tables were dropped. */
export type EvictionReason = "users" | "records"

export interface CachedUser<T> {
  readonly userId: string
  readonly tables: Map<string, T>
  /** Records this user's tables hold. */
  records: number
  /** False once dropped: a pull still in flight for it no longer counts. */
  kept: boolean
}

export interface CacheBudgetOptions {
  readonly maxUsers: number
  readonly maxRecords: number
}

export interface CacheBudgetReport {
  readonly records: (total: number) => void
  readonly evicted: (reason: EvictionReason) => void
}

export const makeCacheBudget = <T>(options: CacheBudgetOptions, report?: CacheBudgetReport) => {
  const users = new Map<string, CachedUser<T>>()
  let total = 0

  const over = () => users.size > options.maxUsers || total > options.maxRecords
  /** Drops the least recently read users other than `keep` until both bounds hold. */
  const shrink = (keep: string) => {
    for (const [userId, user] of users) {
      if (!over()) break
      if (userId === keep) continue
      const reason: EvictionReason = users.size > options.maxUsers ? "users" : "records"
      users.delete(userId)
      user.kept = false
      total -= user.records
      report?.evicted(reason)
    }
    report?.records(total)
  }

  return {
    /** The user's entry, now the most recently read. */
    touch: (userId: string): CachedUser<T> => {
      const user = users.get(userId) ?? { userId, tables: new Map<string, T>(), records: 0, kept: true }
      users.delete(userId)
      users.set(userId, user)
      // No key iterator per read unless a bound is crossed.
      if (over()) shrink(userId)
      return user
    },
    /** The user's entry if kept, without making it recent. */
    peek: (userId: string): CachedUser<T> | undefined => users.get(userId),
    /** One of `user`'s tables now holds `delta` more records (fewer if negative). */
    resize: (user: CachedUser<T>, delta: number): void => {
      if (!user.kept || delta === 0) return
      user.records += delta
      total += delta
      if (over()) shrink(user.userId)
      else report?.records(total)
    }
  } as const
}
