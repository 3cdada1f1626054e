/**
 * The spans the OTLP tracer hands out, and their OTLP/JSON form. A sampled span records its
 * attributes and, when it ends, is handed to the exporter; an unsampled one keeps only its ids
 * (so `traceparent` still propagates, with the sampled flag off) and costs nothing to end.
 * A failed span's status says only the error's tag: error messages can quote upstream text, and
 * no user content may leave the process in a trace.
 */
import { type KeyValue, unknownToAttributeValue } from "@effect/opentelemetry/OtlpResource"
import { Cause, type Context, type Exit, Option, type Tracer } from "effect"

export interface OtlpSpan {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId: string | undefined
  readonly name: string
  readonly kind: number
  readonly startTimeUnixNano: string
  readonly endTimeUnixNano: string
  readonly attributes: Array<KeyValue>
  readonly droppedAttributesCount: number
  readonly events: ReadonlyArray<{
    readonly name: string
    readonly timeUnixNano: string
    readonly attributes: Array<KeyValue>
    readonly droppedAttributesCount: number
  }>
  readonly droppedEventsCount: number
  readonly status: { readonly code: number; readonly message?: string }
  readonly links: ReadonlyArray<{
    readonly traceId: string
    readonly spanId: string
    readonly attributes: Array<KeyValue>
    readonly droppedAttributesCount: number
  }>
  readonly droppedLinksCount: number
}

const spanKinds: Record<Tracer.SpanKind, number> = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 }
const statusUnset = { code: 0 } as const

export const randomHexId = (bytes: number): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (byte) => byte.toString(16).padStart(2, "0")).join("")

const toAttributes = (entries: Iterable<[string, unknown]>): Array<KeyValue> =>
  Array.from(entries, ([key, value]) => ({ key, value: unknownToAttributeValue(value) }))

/** The tag of a typed failure, or "defect"; never the message. */
const failureName = (cause: Cause.Cause<unknown>): string =>
  Option.match(Cause.failureOption(cause), {
    onNone: () => "defect",
    onSome: (error) =>
      typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string"
        ? error._tag
        : "error"
  })

const statusOf = (exit: Exit.Exit<unknown, unknown>) =>
  exit._tag === "Success" || Cause.isInterruptedOnly(exit.cause)
    ? statusUnset
    : { code: 2, message: failureName(exit.cause) }

interface SpanInit {
  readonly name: string
  readonly parent: Option.Option<Tracer.AnySpan>
  readonly context: Context.Context<never>
  readonly links: ReadonlyArray<Tracer.SpanLink>
  readonly startTime: bigint
  readonly kind: Tracer.SpanKind
  readonly traceId: string
}

/** A sampled span: records everything, exports itself on `end`. */
export class RecordingSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly sampled = true
  readonly spanId = randomHexId(8)
  readonly name: string
  readonly traceId: string
  readonly parent: Option.Option<Tracer.AnySpan>
  readonly context: Context.Context<never>
  readonly kind: Tracer.SpanKind
  readonly attributes = new Map<string, unknown>()
  readonly links: Array<Tracer.SpanLink>
  readonly events: Array<readonly [string, bigint, Record<string, unknown> | undefined]> = []
  status: Tracer.SpanStatus

  constructor(init: SpanInit, private readonly onEnd: (span: OtlpSpan) => void) {
    this.name = init.name
    this.traceId = init.traceId
    this.parent = init.parent
    this.context = init.context
    this.kind = init.kind
    this.links = [...init.links]
    this.status = { _tag: "Started", startTime: init.startTime }
  }

  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
    this.onEnd(this.toOtlp(endTime, exit))
  }

  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
  }

  /**
   * Events come from log lines written inside the span. Only the message and level are kept:
   * log annotations carry raw user ids, and a logged cause can quote upstream text.
   */
  event(name: string, startTime: bigint, attributes?: Record<string, unknown>): void {
    const level = attributes?.["effect.logLevel"]
    this.events.push([name, startTime, level === undefined ? undefined : { "effect.logLevel": level }])
  }

  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.links.push(...links)
  }

  private toOtlp(endTime: bigint, exit: Exit.Exit<unknown, unknown>): OtlpSpan {
    return {
      traceId: this.traceId,
      spanId: this.spanId,
      parentSpanId: Option.match(this.parent, { onNone: () => undefined, onSome: (parent) => parent.spanId }),
      name: this.name,
      kind: spanKinds[this.kind],
      startTimeUnixNano: String(this.status.startTime),
      endTimeUnixNano: String(endTime),
      attributes: toAttributes(this.attributes),
      droppedAttributesCount: 0,
      events: this.events.map(([name, time, attributes]) => ({
        name,
        timeUnixNano: String(time),
        attributes: attributes === undefined ? [] : toAttributes(Object.entries(attributes)),
        droppedAttributesCount: 0
      })),
      droppedEventsCount: 0,
      status: statusOf(exit),
      links: this.links.map((link) => ({
        traceId: link.span.traceId,
        spanId: link.span.spanId,
        attributes: toAttributes(Object.entries(link.attributes)),
        droppedAttributesCount: 0
      })),
      droppedLinksCount: 0
    }
  }
}

/** An unsampled span: real ids for propagation, nothing recorded, nothing exported. */
export class UnsampledSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly sampled = false
  readonly spanId = randomHexId(8)
  readonly name: string
  readonly traceId: string
  readonly parent: Option.Option<Tracer.AnySpan>
  readonly context: Context.Context<never>
  readonly kind: Tracer.SpanKind
  readonly attributes: ReadonlyMap<string, unknown> = new Map()
  readonly links: ReadonlyArray<Tracer.SpanLink> = []
  status: Tracer.SpanStatus

  constructor(init: SpanInit) {
    this.name = init.name
    this.traceId = init.traceId
    this.parent = init.parent
    this.context = init.context
    this.kind = init.kind
    this.status = { _tag: "Started", startTime: init.startTime }
  }

  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
  }

  attribute(): void {}
  event(): void {}
  addLinks(): void {}
}
