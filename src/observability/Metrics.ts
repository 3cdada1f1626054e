/**
 * Metrics: the gateway's own prom-client registry and every metric on `/metrics`. Names and
 * labels are a contract with existing dashboards (docs/operations.md); label values stay
 * low-cardinality (never a user id). The registry is per layer, not prom-client's global one,
 * so tests and several gateways in one process never share counters.
 */
import { Context, Effect, Layer } from "effect"
import * as Prom from "prom-client"
import { makeLiveMetrics } from "./liveMetrics.ts"
import { makeResourceMetrics } from "./resourceMetrics.ts"

const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

export type PolicyDecisionLabel = "allow" | "deny" | "flagged" | "asked" | "confirmed" | "declined"
export type ToolOutcome = "success" | "handler-error" | "input-invalid"
export type UpstreamName = "mana-auth" | "mana-sync"
export type UpstreamOutcome = "success" | "client-error" | "server-error" | "network-error" | "timeout"
/** Why an audit line was lost. */
export type AuditFailureReason = "queue-full" | "io-error"
/** Why finished spans did not reach the collector. */
export type SpanDropReason = "queue-full" | "export-failed"
/** Where a request or call met a bound (`src/transport/http/admission/`), and what happened to it. */
export type AdmissionStage = "call" | "body" | "connection"
export type AdmissionOutcome = "queued" | "refused" | "timed-out"

/**
 * V8 heap-space statistics: on Bun (JavaScriptCore) prom-client computes them by walking the whole
 * heap, which blocked the event loop for tens of milliseconds per scrape on a large heap, and
 * they describe V8 spaces JSC does not have. Total heap size and RSS stay.
 */
const v8OnlyMetrics = ["space_size_total_bytes", "space_size_used_bytes", "space_size_available_bytes"]
  .map((suffix) => `mana_mcp_nodejs_heap_${suffix}`)

/**
 * prom-client's `process_heap_bytes` is VmData from /proc/self/status: the address space the
 * runtime reserved, not a heap — 6.4 GB at 0.6 GB RSS on Bun, whose JavaScriptCore reserves its
 * heap regions (and gigacage) up front. Same name, now what it says: the JavaScript heap plus the
 * memory held outside it for JavaScript objects (buffers), from `process.memoryUsage()` (the figure
 * the `nodejs_heap_*` gauges already read; no heap walk).
 */
const replaceProcessHeap = (registry: Prom.Registry) => {
  const name = "mana_mcp_process_heap_bytes"
  registry.removeSingleMetric(name)
  return new Prom.Gauge({
    name,
    help: "Process heap size in bytes: the JavaScript heap plus memory held outside it for JavaScript objects",
    registers: [registry],
    collect() {
      const usage = process.memoryUsage()
      this.set(usage.heapTotal + usage.external)
    }
  })
}

const make = (labels: Readonly<Record<string, string>> = {}) => {
  const registry = new Prom.Registry()
  registry.setDefaultLabels({ service: "mana-mcp", ...labels })
  Prom.collectDefaultMetrics({ register: registry, prefix: "mana_mcp_" })
  if (process.versions["bun"] !== undefined) v8OnlyMetrics.forEach((name) => registry.removeSingleMetric(name))
  replaceProcessHeap(registry)
  const policyDecisions = new Prom.Counter({
    name: "mana_mcp_policy_decisions_total",
    help: "Policy gate decisions by decision, reason and mode",
    labelNames: ["decision", "reason", "mode"] as const,
    registers: [registry]
  })
  const toolInvocations = new Prom.Counter({
    name: "mana_mcp_tool_invocations_total",
    help: "Tool calls that reached input validation, by outcome (policy-denied calls are not counted)",
    labelNames: ["tool", "outcome"] as const,
    registers: [registry]
  })
  const toolDuration = new Prom.Histogram({
    name: "mana_mcp_tool_duration_seconds",
    help: "Tool call duration in seconds, by outcome",
    labelNames: ["tool", "outcome"] as const,
    buckets: durationBuckets,
    registers: [registry]
  })
  const toolDefects = new Prom.Counter({
    name: "mana_mcp_tool_defects_total",
    help: "Tool calls that hit an unexpected failure (a gateway bug); each is logged once with its reference id",
    labelNames: ["tool"] as const,
    registers: [registry]
  })
  const sessionsActive = new Prom.Gauge({
    name: "mana_mcp_sessions_active",
    help: "MCP sessions of this instance (2025-era clients), live or hibernated",
    registers: [registry]
  })
  const sessionsHibernated = new Prom.Gauge({
    name: "mana_mcp_sessions_hibernated",
    help:
      "Of mana_mcp_sessions_active, the ones idle past SESSION_HIBERNATE_AFTER: only their stored record is kept, their next request rebuilds them",
    registers: [registry]
  })
  const sessionsRebuilt = new Prom.Counter({
    name: "mana_mcp_sessions_rebuilt_total",
    help:
      "2025-era sessions rebuilt on this instance from their stored record, by what they were (hibernated: idle here; elsewhere: opened on another instance or before a restart)",
    labelNames: ["from"] as const,
    registers: [registry]
  })
  const upstreamDuration = new Prom.Histogram({
    name: "mana_mcp_upstream_request_duration_seconds",
    help: "Requests to mana-auth and mana-sync, by upstream and outcome",
    labelNames: ["upstream", "outcome"] as const,
    buckets: durationBuckets,
    registers: [registry]
  })
  const masterKeyCache = new Prom.Counter({
    name: "mana_mcp_master_key_cache_total",
    help: "Master-key cache lookups by result",
    labelNames: ["result"] as const,
    registers: [registry]
  })
  const stateStoreErrors = new Prom.Counter({
    name: "mana_mcp_state_store_errors_total",
    help: "Failed operations of the shared state stores (STATE_STORE=redis), by store",
    labelNames: ["store"] as const,
    registers: [registry]
  })
  const requests = new Prom.Counter({
    name: "mana_mcp_requests_total",
    help: "MCP HTTP requests by protocol era and JSON-RPC method",
    labelNames: ["era", "method"] as const,
    registers: [registry]
  })
  const traceSpansExported = new Prom.Counter({
    name: "mana_mcp_trace_spans_exported_total",
    help: "Spans accepted by the OTLP collector",
    registers: [registry]
  })
  const traceSpansDropped = new Prom.Counter({
    name: "mana_mcp_trace_spans_dropped_total",
    help:
      "Finished spans never exported, by reason (queue-full: the export queue was full; export-failed: the collector did not accept the batch in time)",
    labelNames: ["reason"] as const,
    registers: [registry]
  })
  const bulkItems = new Prom.Counter({
    name: "mana_mcp_bulk_items_total",
    help: "Items carried by bulk tool calls past the policy gate, by tool and whether the call was a dry run",
    labelNames: ["tool", "dry_run"] as const,
    registers: [registry]
  })
  const auditWriteFailures = new Prom.Counter({
    name: "mana_mcp_audit_write_failures_total",
    help: "Audit lines lost, by reason (queue-full: the sink fell behind; io-error: the write failed)",
    labelNames: ["reason"] as const,
    registers: [registry]
  })
  const admission = new Prom.Counter({
    name: "mana_mcp_admission_total",
    help:
      "Requests and tool calls that met a bound, by stage (call: per-user calls in flight; body: per-user body bytes or the body deadline; connection: open requests per client address or in total) and outcome (queued, refused, timed-out)",
    labelNames: ["stage", "outcome"] as const,
    registers: [registry]
  })
  const directAnswers = new Prom.Counter({
    name: "mana_mcp_direct_answers_total",
    help: "MCP requests answered without an SDK server (plain tool calls and tool lists), by era and method",
    labelNames: ["era", "method"] as const,
    registers: [registry]
  })
  const openRequests = new Prom.Gauge({
    name: "mana_mcp_open_requests",
    help: "/mcp requests being handled now (each holds a connection); bounded by MAX_CONNECTIONS",
    registers: [registry]
  })

  return {
    /** Prometheus text exposition of every metric. */
    render: Effect.promise(() => registry.metrics()),
    contentType: registry.contentType,
    policyDecision: (decision: PolicyDecisionLabel, reason: string, mode: string) =>
      Effect.sync(() => policyDecisions.inc({ decision, reason, mode })),
    toolInvocation: (tool: string, outcome: ToolOutcome, seconds: number) =>
      Effect.sync(() => {
        toolInvocations.inc({ tool, outcome })
        toolDuration.observe({ tool, outcome }, seconds)
      }),
    toolDefect: (tool: string) => Effect.sync(() => toolDefects.inc({ tool })),
    setSessionsActive: (count: number) => Effect.sync(() => sessionsActive.set(count)),
    setSessionsHibernated: (count: number) => Effect.sync(() => sessionsHibernated.set(count)),
    sessionRebuilt: (from: "hibernated" | "elsewhere") => Effect.sync(() => sessionsRebuilt.inc({ from })),
    upstreamRequest: (upstream: UpstreamName, outcome: UpstreamOutcome, seconds: number) =>
      Effect.sync(() => upstreamDuration.observe({ upstream, outcome }, seconds)),
    masterKeyCache: (result: "hit" | "miss") => Effect.sync(() => masterKeyCache.inc({ result })),
    request: (era: "legacy" | "modern", method: string) => Effect.sync(() => requests.inc({ era, method })),
    traceSpansExported: (count: number) => Effect.sync(() => traceSpansExported.inc(count)),
    traceSpansDropped: (reason: SpanDropReason, count: number) =>
      Effect.sync(() => traceSpansDropped.inc({ reason }, count)),
    auditWriteFailures: (reason: AuditFailureReason, lines: number) =>
      Effect.sync(() => auditWriteFailures.inc({ reason }, lines)),
    stateStoreError: (store: string) => Effect.sync(() => stateStoreErrors.inc({ store })),
    bulkItems: (tool: string, dryRun: boolean, items: number) =>
      Effect.sync(() => bulkItems.inc({ tool, dry_run: String(dryRun) }, items)),
    /** Notification connections and how the read cache served reads (plain calls, for the read path). */
    live: makeLiveMetrics(registry),
    /** MCP resource subscriptions (plain calls). */
    resources: makeResourceMetrics(registry),
    /** Synchronous: counted where a request is refused outside any fiber (connection caps). */
    admission: (stage: AdmissionStage, outcome: AdmissionOutcome) => admission.inc({ stage, outcome }),
    setOpenRequests: (count: number) => openRequests.set(count),
    /** Synchronous: a request answered by `transport/direct/` (its share shows how many clients send the plain form). */
    directAnswer: (era: "legacy" | "modern", method: "tools/call" | "tools/list") => directAnswers.inc({ era, method })
  } as const
}

export class Metrics extends Context.Tag("mana-mcp/Metrics")<Metrics, ReturnType<typeof make>>() {
  static readonly layer = Layer.sync(Metrics, () => make())
  /** With labels on every series, e.g. `process` when several gateway processes share a port. */
  static readonly layerLabelled = (labels: Readonly<Record<string, string>>) => Layer.sync(Metrics, () => make(labels))
}
