/**
 * Before a primary starts more than one process: they must share state through Redis (sessions,
 * the rate-limit window, stream events, the write fence), the kernel must balance the port, and
 * every process must sign confirmation prompts with the same key — without CONFIRMATION_SIGNING_KEY
 * the primary draws one and hands it to its workers, so a prompt one process signed verifies on another.
 */
import { Effect, Option, Redacted } from "effect"
import type { ManaConfigShape } from "../config/Config.ts"
import type { ProcessRole } from "./processRole.ts"
import { ProcessesNeedLinux, ProcessesNeedRedis } from "./workers.ts"

export const checkProcesses = (config: ManaConfigShape, role: ProcessRole) =>
  Effect.gen(function*() {
    const count = config.gatewayProcesses
    if (count <= 1 || role._tag === "Worker") return config
    if (config.stateStore._tag !== "Redis") return yield* new ProcessesNeedRedis({ count })
    if (process.platform !== "linux") return yield* new ProcessesNeedLinux({ count })
    if (Option.isSome(config.confirmationSigningKey)) return config
    const key = Buffer.from(crypto.getRandomValues(new Uint8Array(48))).toString("base64")
    return { ...config, confirmationSigningKey: Option.some(Redacted.make(key)) }
  })

/** What the workers must share with the primary that may not be in the environment. */
export const sharedSecrets = (config: ManaConfigShape): Readonly<Record<string, string>> =>
  Option.match(config.confirmationSigningKey, {
    onNone: () => ({}),
    onSome: (key) => ({ CONFIRMATION_SIGNING_KEY: Redacted.value(key) })
  })
