/**
 * Ranking completion values against what the user typed: values that start with it first, then
 * values with a word starting with it, then values containing it (case-insensitive), each group
 * alphabetical; at most 100 values (the protocol's bound), with the total and whether more exist.
 */
export const maxCompletionValues = 100

export interface CompletionAnswer {
  readonly values: ReadonlyArray<string>
  readonly total: number
  readonly hasMore: boolean
}

export const matchCompletions = (candidates: ReadonlyArray<string>, typed: string): CompletionAnswer => {
  const needle = typed.trim().toLowerCase()
  const ranked: Array<{ readonly value: string; readonly rank: number }> = []
  for (const value of candidates) {
    const lower = value.toLowerCase()
    const rank = lower.startsWith(needle)
      ? 0
      : lower.split(/\s+/).some((word) => word.startsWith(needle))
      ? 1
      : lower.includes(needle)
      ? 2
      : -1
    if (rank >= 0) ranked.push({ value, rank })
  }
  ranked.sort((a, b) => a.rank - b.rank || a.value.localeCompare(b.value))
  const values = ranked.slice(0, maxCompletionValues).map((entry) => entry.value)
  return { values, total: ranked.length, hasMore: ranked.length > values.length }
}
