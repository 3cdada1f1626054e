/**
 * Which gateway process this is. `npm start` is the primary; with `GATEWAY_PROCESSES` above one it
 * starts the others itself and tells each, in `MANA_MCP_PROCESS` (internal, set only by the
 * primary), its index and — in local mode — the URLs of the dev stand-ins the primary runs, so the
 * stand-ins run once and every process uses them as its upstreams.
 */
import { Config, Effect, Option, Schema } from "effect"

export const roleVariable = "MANA_MCP_PROCESS"

const WorkerRole = Schema.Struct({
  index: Schema.Int.pipe(Schema.positive()),
  dev: Schema.optional(Schema.Struct({ authUrl: Schema.String, syncUrl: Schema.String }))
})
export type WorkerRole = typeof WorkerRole.Type

export type ProcessRole =
  | { readonly _tag: "Primary" }
  | { readonly _tag: "Worker"; readonly role: WorkerRole }

export const encodeWorkerRole = (role: WorkerRole): string => JSON.stringify(role)

/** A malformed value is not something an operator sets: it dies like any broken internal invariant. */
export const processRole: Effect.Effect<ProcessRole> = Config.option(Config.string(roleVariable)).pipe(
  Effect.orDie,
  Effect.flatMap(Option.match({
    onNone: () => Effect.succeed<ProcessRole>({ _tag: "Primary" }),
    onSome: (raw) =>
      Schema.decodeUnknown(Schema.parseJson(WorkerRole))(raw).pipe(
        Effect.orDie,
        Effect.map((role): ProcessRole => ({ _tag: "Worker", role }))
      )
  }))
)

export const processIndex = (role: ProcessRole): number => role._tag === "Primary" ? 0 : role.role.index
