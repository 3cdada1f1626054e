/**
 * What differs between gateway processes sharing one port, so metrics, audit and traces stay
 * correct per process: every `/metrics` series carries `process="<index>"` (a scrape reaches one
 * process, and says which), a file audit sink gets one file per process (`<path>.p<index>`: two
 * processes rotating one file would lose lines), and spans carry `service.instance.id`. With one
 * process nothing changes.
 */
import type { ManaConfigShape } from "../config/Config.ts"

export const metricLabels = (config: ManaConfigShape, index: number): Readonly<Record<string, string>> =>
  config.gatewayProcesses > 1 ? { process: String(index) } : {}

export const configForProcess = (config: ManaConfigShape, index: number): ManaConfigShape => {
  if (config.gatewayProcesses <= 1) return config
  const auditLog = config.auditLog._tag === "File"
    ? { ...config.auditLog, path: `${config.auditLog.path}.p${index}` }
    : config.auditLog
  const tracing = config.tracing._tag === "Otlp"
    ? { ...config.tracing, export: { ...config.tracing.export, instanceId: `${process.pid}-p${index}` } }
    : config.tracing
  return { ...config, auditLog, tracing }
}
