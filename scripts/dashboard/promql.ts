/**
 * A tiny PromQL evaluator for exactly the query shapes in docs/grafana-dashboard.json:
 * selectors with `=`/`=~` matchers, `rate(sel[range])`, `sum [by (…)] (…)`,
 * `histogram_quantile(q, …)` and one top-level `/`. It exists so the dashboard rendering in
 * docs/img is computed from the dashboard's own queries over sample scrapes; anything outside
 * that subset fails loudly instead of drawing a wrong picture. Not used by the gateway.
 */
import { Data, Effect } from "effect"

export type Labels = Readonly<Record<string, string>>
export interface Sample {
  readonly name: string
  readonly labels: Labels
  readonly value: number
}
/** One scrape of /metrics: every sample in it. */
export type Scrape = ReadonlyArray<Sample>

export class QueryUnsupported
  extends Data.TaggedError("QueryUnsupported")<{ readonly expr: string; readonly at: string }>
{}

type Node =
  | {
    readonly _tag: "Selector"
    readonly name: string
    readonly matchers: ReadonlyArray<{ readonly label: string; readonly test: (value: string) => boolean }>
  }
  | { readonly _tag: "Rate"; readonly selector: Node; readonly rangeSeconds: number }
  | { readonly _tag: "Sum"; readonly by: ReadonlyArray<string>; readonly inner: Node }
  | { readonly _tag: "Quantile"; readonly q: number; readonly inner: Node }
  | { readonly _tag: "Divide"; readonly left: Node; readonly right: Node }

const sampleLine = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/
const labelPair = /(\w+)="((?:[^"\\]|\\.)*)"/g

/** Parses Prometheus text exposition. */
export const parseScrape = (text: string): Scrape =>
  text.split("\n").flatMap((line) => {
    const match = sampleLine.exec(line)
    if (match === null || line.startsWith("#")) return []
    const labels: Record<string, string> = {}
    for (const pair of (match[2] ?? "").matchAll(labelPair)) labels[pair[1] ?? ""] = pair[2] ?? ""
    return [{ name: match[1] ?? "", labels, value: Number(match[3]) }]
  })

const tokenPattern =
  /\s*(sum|by|rate|histogram_quantile|[a-zA-Z_:][\w:]*|"(?:[^"\\]|\\.)*"|=~|[(){}[\],=/]|\d+(?:\.\d+)?[smh]?)/y

const tokenize = (expr: string): Array<string> => {
  const tokens: Array<string> = []
  tokenPattern.lastIndex = 0
  while (tokenPattern.lastIndex < expr.trimEnd().length) {
    const match = tokenPattern.exec(expr)
    if (match === null) return [...tokens, `<unparsable at ${tokenPattern.lastIndex}>`]
    tokens.push(match[1] ?? "")
  }
  return tokens
}

const seconds = (range: string) =>
  Number(range.slice(0, -1)) * ({ s: 1, m: 60, h: 3600 }[range.slice(-1)] ?? Number.NaN)

const unquote = (quoted: string) => quoted.slice(1, -1).replace(/\\(.)/g, "$1")

/** Parses one dashboard expression (after `$variables` are substituted). */
export const parse = (expr: string): Effect.Effect<Node, QueryUnsupported> => {
  const tokens = tokenize(expr)
  let position = 0
  const peek = () => tokens[position]
  const take = (expected?: string) =>
    Effect.suspend(() => {
      const token = tokens[position]
      if (token === undefined || (expected !== undefined && token !== expected)) {
        return Effect.fail(new QueryUnsupported({ expr, at: tokens.slice(position).join(" ") || "(end)" }))
      }
      position++
      return Effect.succeed(token)
    })
  /** `item` repeated until `close`, comma-separated. */
  const listUntil = <A>(close: string, item: Effect.Effect<A, QueryUnsupported>) =>
    Effect.gen(function*() {
      const items: Array<A> = []
      while (peek() !== close && peek() !== undefined) {
        items.push(yield* item)
        if (peek() === ",") yield* take(",")
      }
      yield* take(close)
      return items
    })
  const matcher = Effect.gen(function*() {
    const label = yield* take()
    const op = yield* take()
    const value = yield* take()
    if ((op !== "=" && op !== "=~") || !value.startsWith("\"")) {
      return yield* new QueryUnsupported({ expr, at: `${label}${op}${value}` })
    }
    const expected = unquote(value)
    // Compiled once per query: the rendering evaluates each selector hundreds of thousands of times.
    const pattern = new RegExp(`^(?:${expected})$`)
    return {
      label,
      test: op === "=" ? (actual: string) => actual === expected : (actual: string) => pattern.test(actual)
    }
  })
  const selector: Effect.Effect<Node, QueryUnsupported> = Effect.gen(function*() {
    const name = yield* take()
    if (peek() !== "{") return { _tag: "Selector", name, matchers: [] }
    yield* take("{")
    return { _tag: "Selector", name, matchers: yield* listUntil("}", matcher) }
  })
  const term: Effect.Effect<Node, QueryUnsupported> = Effect.suspend(() => {
    switch (peek()) {
      case "sum":
        return Effect.gen(function*() {
          yield* take("sum")
          const by = peek() === "by"
            ? yield* Effect.zipRight(take("by"), Effect.zipRight(take("("), listUntil(")", take())))
            : []
          yield* take("(")
          const inner = yield* term
          yield* take(")")
          return { _tag: "Sum", by, inner } satisfies Node
        })
      case "rate":
        return Effect.gen(function*() {
          yield* take("rate")
          yield* take("(")
          const inner = yield* selector
          yield* take("[")
          const rangeSeconds = seconds(yield* take())
          yield* take("]")
          yield* take(")")
          return { _tag: "Rate", selector: inner, rangeSeconds } satisfies Node
        })
      case "histogram_quantile":
        return Effect.gen(function*() {
          yield* take("histogram_quantile")
          yield* take("(")
          const q = Number(yield* take())
          yield* take(",")
          const inner = yield* term
          yield* take(")")
          return { _tag: "Quantile", q, inner } satisfies Node
        })
      default:
        return selector
    }
  })
  return Effect.gen(function*() {
    const left = yield* term
    const node: Node = peek() === "/" ? { _tag: "Divide", left, right: yield* Effect.zipRight(take("/"), term) } : left
    if (position < tokens.length) return yield* new QueryUnsupported({ expr, at: tokens.slice(position).join(" ") })
    return node
  })
}

export interface Point {
  readonly labels: Labels
  readonly value: number
}

const matches = (sample: Sample, node: Extract<Node, { _tag: "Selector" }>) =>
  sample.name === node.name &&
  node.matchers.every(({ label, test }) => test(sample.labels[label] ?? ""))

const keyOf = (labels: Labels) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)))

/** Prometheus' bucket interpolation over cumulative `le` buckets. */
const quantile = (q: number, buckets: ReadonlyArray<readonly [number, number]>): number => {
  const sorted = [...buckets].sort(([a], [b]) => a - b)
  const total = sorted.at(-1)?.[1] ?? 0
  if (total === 0) return Number.NaN
  const rank = q * total
  let previous: readonly [number, number] = [0, 0]
  for (const bucket of sorted) {
    if (bucket[1] >= rank) {
      if (bucket[0] === Number.POSITIVE_INFINITY) return previous[0]
      const width = bucket[1] - previous[1]
      return previous[0] + (bucket[0] - previous[0]) * (width === 0 ? 0 : (rank - previous[1]) / width)
    }
    previous = bucket
  }
  return previous[0]
}

/** Evaluates `node` at scrape `index` of `scrapes`, taken every `stepSeconds`. */
export const evaluate = (
  node: Node,
  scrapes: ReadonlyArray<Scrape>,
  index: number,
  stepSeconds: number
): ReadonlyArray<Point> => {
  switch (node._tag) {
    case "Selector":
      return (scrapes[index] ?? []).filter((sample) => matches(sample, node))
    case "Rate": {
      if (node.selector._tag !== "Selector") return []
      const selector = node.selector
      const back = Math.min(index, Math.max(1, Math.round(node.rangeSeconds / stepSeconds)))
      if (back === 0) return []
      const earlier = new Map(
        (scrapes[index - back] ?? []).filter((s) => matches(s, selector)).map((s) => [keyOf(s.labels), s.value])
      )
      return evaluate(selector, scrapes, index, stepSeconds).map((sample) => ({
        labels: sample.labels,
        value: Math.max(0, sample.value - (earlier.get(keyOf(sample.labels)) ?? 0)) / (back * stepSeconds)
      }))
    }
    case "Sum": {
      const groups = new Map<string, { labels: Record<string, string>; value: number }>()
      for (const point of evaluate(node.inner, scrapes, index, stepSeconds)) {
        const labels: Record<string, string> = {}
        for (const label of node.by) labels[label] = point.labels[label] ?? ""
        const group = groups.get(keyOf(labels)) ?? { labels, value: 0 }
        group.value += point.value
        groups.set(keyOf(labels), group)
      }
      return [...groups.values()]
    }
    case "Quantile": {
      const series = new Map<string, { labels: Labels; buckets: Array<readonly [number, number]> }>()
      for (const point of evaluate(node.inner, scrapes, index, stepSeconds)) {
        const { le, ...rest } = point.labels
        const entry = series.get(keyOf(rest)) ?? { labels: rest, buckets: [] }
        entry.buckets.push([le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le), point.value])
        series.set(keyOf(rest), entry)
      }
      return [...series.values()].map(({ buckets, labels }) => ({ labels, value: quantile(node.q, buckets) }))
    }
    case "Divide": {
      const right = new Map(evaluate(node.right, scrapes, index, stepSeconds).map((p) => [keyOf(p.labels), p.value]))
      return evaluate(node.left, scrapes, index, stepSeconds).flatMap((point) => {
        const divisor = right.get(keyOf(point.labels)) ?? 0
        return divisor === 0 ? [] : [{ labels: point.labels, value: point.value / divisor }]
      })
    }
  }
}
