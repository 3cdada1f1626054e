/**
 * MCP log levels by severity (RFC 5424 order, as the SDK ranks them): whether a 2025 session
 * that set `level` with `logging/setLevel` (or none: everything is sent) takes a `warning`.
 */
const severity: ReadonlyArray<string> = [
  "debug",
  "info",
  "notice",
  "warning",
  "error",
  "critical",
  "alert",
  "emergency"
]

export const wantsWarnings = (level: string | undefined): boolean =>
  level === undefined || severity.indexOf("warning") >= severity.indexOf(level)
