/**
 * The MCP log levels (`LoggingLevel`) by severity, RFC 5424 order as the SDK ranks them, and
 * whether a 2025 session that set `level` with `logging/setLevel` (or none: everything is sent)
 * takes a `warning`.
 */
export const logLevelsBySeverity: ReadonlyArray<string> = [
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
  level === undefined || logLevelsBySeverity.indexOf("warning") >= logLevelsBySeverity.indexOf(level)
