/**
 * Where the audit trail goes (`AUDIT_LOG`), as parsed by `ManaConfig`: nowhere, stdout (one JSON
 * line per tool call among the other log lines, for a log shipper to pick out), or a file that
 * rotates by size. Plain data.
 */
export type AuditSink =
  | { readonly _tag: "Off" }
  | { readonly _tag: "Stdout" }
  | {
    readonly _tag: "File"
    readonly path: string
    /** Rotate before the file would grow past this many bytes. */
    readonly maxBytes: number
    /** Rotated files kept (`<path>.1` newest … `<path>.<maxFiles>` oldest). */
    readonly maxFiles: number
  }
