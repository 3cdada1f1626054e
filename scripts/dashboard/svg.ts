/**
 * Draws dashboard panels as SVG in a Grafana-like dark theme: time-series panels as polylines
 * with axes and a legend, stat panels as a big last value with a sparkline, rows as headers.
 * Knows nothing about PromQL or where the series come from. Not used by the gateway.
 */
export interface Series {
  readonly name: string
  readonly values: ReadonlyArray<number>
}
export interface Box {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

const palette = [
  "#73bf69",
  "#f2cc0c",
  "#8ab8ff",
  "#ff780a",
  "#f2495c",
  "#5794f2",
  "#b877d9",
  "#705da0",
  "#37872d",
  "#fade2a"
]

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

export const formatValue = (value: number, unit: string): string => {
  if (!Number.isFinite(value)) return "–"
  switch (unit) {
    case "s":
      return value < 1 ? `${(value * 1000).toFixed(value < 0.01 ? 1 : 0)} ms` : `${value.toFixed(2)} s`
    case "percentunit":
      return `${(value * 100).toFixed(value < 0.1 ? 2 : 1)}%`
    case "reqps":
      return `${value < 1 ? value.toFixed(2) : value.toFixed(1)} req/s`
    case "bytes":
      return `${(value / 1024 / 1024).toFixed(0)} MiB`
    default:
      return value.toFixed(value < 10 && value % 1 !== 0 ? 1 : 0)
  }
}

const niceMax = (max: number) => {
  if (!(max > 0)) return 1
  const magnitude = 10 ** Math.floor(Math.log10(max))
  return ([1, 2, 2.5, 5, 10].find((step) => step * magnitude >= max) ?? 10) * magnitude
}

const frame = (box: Box, title: string, body: string) =>
  `<g transform="translate(${box.x},${box.y})"><rect width="${box.width - 8}" height="${
    box.height - 8
  }" rx="3" fill="#181b1f" stroke="#2c3235"/>` +
  `<text x="10" y="20" fill="#ccccdc" font-size="13" font-weight="600">${escape(title)}</text>${body}</g>`

const polyline = (
  values: ReadonlyArray<number>,
  width: number,
  height: number,
  max: number,
  color: string,
  fill: boolean
) => {
  const points = values.map((value, index) =>
    `${((index / Math.max(1, values.length - 1)) * width).toFixed(1)},${
      (height - (Number.isFinite(value) ? value / max : 0) * height).toFixed(1)
    }`
  )
  const area = fill
    ? `<polygon points="0,${height} ${points.join(" ")} ${width},${height}" fill="${color}" opacity="0.1"/>`
    : ""
  return `${area}<polyline points="${points.join(" ")}" fill="none" stroke="${color}" stroke-width="1.3"/>`
}

export const timeSeriesPanel = (
  box: Box,
  title: string,
  unit: string,
  series: ReadonlyArray<Series>,
  timeLabels: ReadonlyArray<string>
) => {
  const legendRows = Math.ceil(series.length / 3)
  const plot = { x: 62, y: 32, width: box.width - 84, height: box.height - 70 - legendRows * 15 }
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter(Number.isFinite))))
  const grid = [0, 0.25, 0.5, 0.75, 1].map((fraction) => {
    const y = plot.y + plot.height - fraction * plot.height
    return `<line x1="${plot.x}" x2="${plot.x + plot.width}" y1="${y}" y2="${y}" stroke="#2c3235"/>` +
      `<text x="${plot.x - 6}" y="${y + 4}" fill="#8e8e8e" font-size="10" text-anchor="end">${
        escape(formatValue(max * fraction, unit))
      }</text>`
  }).join("")
  const ticks = timeLabels.map((label, index) =>
    `<text x="${plot.x + (index / Math.max(1, timeLabels.length - 1)) * plot.width}" y="${
      plot.y + plot.height + 14
    }" fill="#8e8e8e" font-size="10" text-anchor="middle">${label}</text>`
  ).join("")
  const lines = series.map((s, index) =>
    polyline(s.values, plot.width, plot.height, max, palette[index % palette.length] ?? "#fff", series.length <= 3)
  ).join("")
  const legend = series.map((s, index) => {
    const x = 12 + (index % 3) * ((box.width - 24) / 3)
    const y = plot.y + plot.height + 32 + Math.floor(index / 3) * 15
    return `<rect x="${x}" y="${y - 8}" width="12" height="3" fill="${palette[index % palette.length] ?? "#fff"}"/>` +
      `<text x="${x + 16}" y="${y - 3}" fill="#ccccdc" font-size="10">${escape(s.name)}</text>`
  }).join("")
  return frame(box, title, `${grid}${ticks}<g transform="translate(${plot.x},${plot.y})">${lines}</g>${legend}`)
}

export const statPanel = (box: Box, title: string, unit: string, series: Series) => {
  const finite = series.values.filter(Number.isFinite)
  const last = finite.at(-1) ?? Number.NaN
  const spark = polyline(
    series.values,
    box.width - 28,
    box.height / 2 - 44,
    niceMax(Math.max(0, ...finite)),
    "#73bf69",
    true
  )
  return frame(
    box,
    title,
    `<text x="${(box.width - 8) / 2}" y="${
      box.height / 2
    }" fill="#73bf69" font-size="40" font-weight="600" text-anchor="middle">${escape(formatValue(last, unit))}</text>` +
      `<g transform="translate(10,${box.height / 2 + 18})" opacity="0.8">${spark}</g>`
  )
}

export const rowHeader = (box: Box, title: string) =>
  `<text x="${box.x + 4}" y="${box.y + 20}" fill="#d8d9da" font-size="15" font-weight="600">${escape(title)}</text>`

export const page = (width: number, height: number, heading: string, note: string, body: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Inter, Helvetica, Arial, sans-serif">` +
  `<rect width="100%" height="100%" fill="#111217"/>` +
  `<text x="20" y="30" fill="#d8d9da" font-size="20" font-weight="600">${escape(heading)}</text>` +
  `<text x="${width - 20}" y="30" fill="#f2cc0c" font-size="12" text-anchor="end">${escape(note)}</text>` +
  `<g transform="translate(12,44)">${body}</g></svg>\n`
