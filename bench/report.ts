/**
 * Formats benchmark reports as Markdown tables (readable in a terminal and pasted as-is into
 * docs/benchmarks.md) and describes the machine they ran on. No measuring here.
 */
import { execFileSync } from "node:child_process"
import { cpus, totalmem } from "node:os"
import type { BenchReport } from "./harness.ts"

export interface MachineInfo {
  readonly date: string
  readonly cpus: number
  readonly cpuModel: string
  readonly memoryGiB: number
  readonly bun: string
  readonly node: string
  readonly platform: string
}

const nodeVersion = () => {
  try {
    return execFileSync("node", ["--version"], { encoding: "utf8" }).trim()
  } catch {
    return "unknown"
  }
}

export const machineInfo = (): MachineInfo => ({
  date: new Date().toISOString(),
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? "unknown",
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  bun: typeof Bun === "undefined" ? "n/a" : Bun.version,
  node: nodeVersion(),
  platform: `${process.platform}-${process.arch}`
})

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : "–")

export const formatMachine = (machine: MachineInfo) =>
  `${
    machine.date.slice(0, 10)
  } · ${machine.cpus} × ${machine.cpuModel} · ${machine.memoryGiB} GiB · Bun ${machine.bun} (gateway and bench client) · Node ${machine.node} · ${machine.platform}`

export const formatReport = (report: BenchReport): string => {
  const lines: Array<string> = [`### ${report.title} (\`${report.id}\`, ${report.seconds.toFixed(0)} s)`, ""]
  const params = Object.entries(report.params).map(([key, value]) => `${key}=${value}`).join(", ")
  if (params !== "") lines.push(`Parameters: ${params}`, "")
  if (report.latencies.length > 0) {
    lines.push("| measurement | n | median ms | p95 ms | mean ms |", "|---|---:|---:|---:|---:|")
    for (const row of report.latencies) {
      const s = row.summary
      lines.push(`| ${row.label} | ${s.n} | ${ms(s.medianMs)} | ${ms(s.p95Ms)} | ${ms(s.meanMs)} |`)
    }
    lines.push("")
  }
  if (report.throughputs.length > 0) {
    lines.push("| load | calls | calls/s | median ms | p95 ms | p99 ms |", "|---|---:|---:|---:|---:|---:|")
    for (const row of report.throughputs) {
      const t = row.throughput
      lines.push(
        `| ${row.label} | ${t.calls} | ${t.callsPerSecond.toFixed(0)} | ${ms(t.latency.medianMs)} | ${
          ms(t.latency.p95Ms)
        } | ${ms(t.latency.p99Ms)} |`
      )
    }
    lines.push("")
  }
  if (report.ratios.length > 0) {
    lines.push("| ratio | value | meaning |", "|---|---:|---|")
    for (const r of report.ratios) lines.push(`| ${r.label} | **${r.value.toFixed(2)}** | ${r.meaning} |`)
    lines.push("")
  }
  for (const note of report.notes) lines.push(`- ${note}`)
  if (report.notes.length > 0) lines.push("")
  return lines.join("\n")
}
