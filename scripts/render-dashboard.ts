/**
 * Renders docs/grafana-dashboard.json as a picture for docs/operations.md, since no Grafana is
 * at hand: it generates six hours of sample scrapes through the real Metrics service
 * (`dashboard/sampleTraffic.ts`), evaluates every panel's own PromQL over them
 * (`dashboard/promql.ts`), draws the panels at their grid positions (`dashboard/svg.ts`) and
 * screenshots the SVG with headless Chromium (`CHROMIUM`, default /usr/bin/chromium) to
 * docs/img/dashboard.png; without Chromium it writes docs/img/dashboard.svg instead. The picture is
 * labelled as sample data; it is documentation, not part of the gateway.
 *
 * Run: node_modules/.bin/bun scripts/render-dashboard.ts
 */
import { Data, Effect, Schema } from "effect"
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Metrics } from "../src/observability/Metrics.ts"
import { evaluate, parse } from "./dashboard/promql.ts"
import { sampleScrapes, steps, stepSeconds } from "./dashboard/sampleTraffic.ts"
import { page, rowHeader, type Series, statPanel, timeSeriesPanel } from "./dashboard/svg.ts"

const Panel = Schema.Struct({
  type: Schema.String,
  title: Schema.String,
  gridPos: Schema.Struct({ x: Schema.Number, y: Schema.Number, w: Schema.Number, h: Schema.Number }),
  targets: Schema.optionalWith(Schema.Array(Schema.Struct({ expr: Schema.String, legendFormat: Schema.String })), {
    default: () => []
  }),
  fieldConfig: Schema.optionalWith(
    Schema.Struct({ defaults: Schema.Struct({ unit: Schema.optional(Schema.String) }) }),
    {
      default: () => ({ defaults: {} })
    }
  )
})
const Dashboard = Schema.Struct({ title: Schema.String, panels: Schema.Array(Panel) })

class RenderFailed extends Data.TaggedError("RenderFailed")<{ readonly step: string; readonly cause: unknown }> {}

const root = join(import.meta.dirname, "..")
const width = 1600
const columnWidth = (width - 24) / 24
const rowHeight = 30

// Prometheus substitutes these before evaluating; the rendering does the same.
const substitute = (expr: string) => expr.replaceAll("$__rate_interval", "2m").replaceAll("$instance", ".*")

const legend = (format: string, labels: Readonly<Record<string, string>>) =>
  format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, label: string) => labels[label] ?? "")

const seriesOf = (
  exprs: ReadonlyArray<{ readonly expr: string; readonly legendFormat: string }>,
  scrapes: Parameters<typeof evaluate>[1]
) =>
  Effect.forEach(exprs, ({ expr, legendFormat }) =>
    Effect.map(parse(substitute(expr)), (node) => {
      const byName = new Map<string, Array<number>>()
      scrapes.forEach((_, index) => {
        for (const point of evaluate(node, scrapes, index, stepSeconds)) {
          const name = legend(legendFormat, point.labels)
          const values = byName.get(name) ?? Array.from({ length: scrapes.length }, () => Number.NaN)
          values[index] = point.value
          byName.set(name, values)
        }
      })
      return [...byName].map(([name, values]): Series => ({ name, values: values.slice(4) }))
    })).pipe(Effect.map((groups) => groups.flat().sort((a, b) => a.name.localeCompare(b.name))))

const program = Effect.gen(function*() {
  const dashboard = yield* Effect.try({
    try: () => JSON.parse(readFileSync(join(root, "docs/grafana-dashboard.json"), "utf8")),
    catch: (cause) => new RenderFailed({ step: "read docs/grafana-dashboard.json", cause })
  }).pipe(Effect.flatMap(Schema.decodeUnknown(Dashboard)))
  const scrapes = yield* sampleScrapes
  const hours = (steps * stepSeconds) / 3600
  const timeLabels = Array.from({ length: hours + 1 }, (_, hour) => `${String(8 + hour).padStart(2, "0")}:00`)
  const bottom = Math.max(...dashboard.panels.map((panel) => panel.gridPos.y + panel.gridPos.h))
  const height = bottom * rowHeight + 60
  const parts = yield* Effect.forEach(dashboard.panels, (panel) => {
    const box = {
      x: panel.gridPos.x * columnWidth,
      y: panel.gridPos.y * rowHeight,
      width: panel.gridPos.w * columnWidth,
      height: panel.gridPos.h * rowHeight
    }
    const unit = panel.fieldConfig.defaults.unit ?? "short"
    if (panel.type === "row") return Effect.succeed(rowHeader(box, panel.title))
    return Effect.map(seriesOf(panel.targets, scrapes), (series) =>
      panel.type === "stat"
        ? statPanel(box, panel.title, unit, series[0] ?? { name: "", values: [] })
        : timeSeriesPanel(box, panel.title, unit, series, timeLabels))
  })
  const svg = page(
    width,
    height,
    `Grafana dashboard “${dashboard.title}” (last ${hours} h)`,
    "Rendered by scripts/render-dashboard.ts from SAMPLE data, not a Grafana screenshot",
    parts.join("")
  )
  const chromium = process.env["CHROMIUM"] ?? "/usr/bin/chromium"
  const hasChromium = existsSync(chromium)
  // With Chromium the SVG is only the screenshot's source; without it, the SVG is the picture.
  const svgPath = hasChromium ? join(tmpdir(), "mana-mcp-dashboard.svg") : join(root, "docs/img/dashboard.svg")
  yield* Effect.try({
    try: () => writeFileSync(svgPath, svg),
    catch: (cause) => new RenderFailed({ step: "write svg", cause })
  })
  yield* Effect.log(`wrote ${svgPath}`)
  if (!hasChromium) return yield* Effect.log(`no Chromium at ${chromium}; docs/img/dashboard.svg is the rendering`)
  const pngPath = join(root, "docs/img/dashboard.png")
  const result = spawnSync(chromium, [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    `--window-size=${width},${height}`,
    `--screenshot=${pngPath}`,
    `file://${svgPath}`
  ], { encoding: "utf8", timeout: 60_000 })
  if (result.status !== 0) {
    return yield* new RenderFailed({ step: "chromium screenshot", cause: result.stderr || result.error })
  }
  yield* Effect.log(`wrote ${pngPath}`)
})

Effect.runPromise(program.pipe(Effect.provide(Metrics.layer))).catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
