/**
 * A short, bounded rendering of a value an agent sent, for input errors: strings cut to a few
 * dozen characters with their length, arrays and objects to their first items with a count. Its
 * cost depends on the budget, not on the value (a 4 MB string or 100 000-deep array costs the
 * same), and it never recurses deeper than two levels.
 */
const maxString = 40
const maxItems = 3

const quote = (text: string) => {
  const cut = [...text.slice(0, maxString * 2)].slice(0, maxString).join("")
  return cut.length < text.length ? `${JSON.stringify(cut)}… (${text.length} UTF-16 units)` : JSON.stringify(cut)
}

const render = (value: unknown, depth: number): string => {
  if (typeof value === "string") return quote(value)
  if (value === null || typeof value === "number" || typeof value === "boolean") return String(value)
  if (value === undefined) return "nothing"
  if (Array.isArray(value)) {
    if (depth >= 2) return value.length === 0 ? "[]" : `[…${value.length} items]`
    const shown = value.slice(0, maxItems).map((item) => render(item, depth + 1))
    return `[${shown.join(", ")}${value.length > maxItems ? `, … ${value.length - maxItems} more` : ""}]`
  }
  if (typeof value === "object") {
    const keys: Array<string> = []
    let count = 0
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue
      if (keys.length < maxItems) keys.push(key)
      count++
    }
    if (depth >= 2) return count === 0 ? "{}" : `{…${count} properties}`
    const record = value as Readonly<Record<string, unknown>>
    const shown = keys.map((key) => `${quote(key)}: ${render(record[key], depth + 1)}`)
    return `{${shown.join(", ")}${count > maxItems ? `, … ${count - maxItems} more` : ""}}`
  }
  return typeof value
}

/** At most ~200 characters whatever `value` is. */
export const preview = (value: unknown): string => {
  const rendered = render(value, 0)
  return rendered.length > 200 ? `${rendered.slice(0, 199)}…` : rendered
}
