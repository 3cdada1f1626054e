/**
 * The one way tool tests run a tool: as the invoke pipeline does without the gate — decode the
 * arguments with their defaults, run the handler with the `Caller` provided, then decode the
 * encoded output with the schema the test wants to read it as (`Schema.Unknown` to ignore it).
 */
import { Effect, Schema } from "effect"
import { Caller, type CallerShape } from "../../src/domain/Caller.ts"
import type { Tool } from "../../src/tools/kit/ToolSpec.ts"
import { aliceCaller } from "./users.ts"

export const runTool = <R, A, I>(
  tool: Tool<R>,
  args: unknown,
  output: Schema.Schema<A, I>,
  caller: CallerShape = aliceCaller
) =>
  tool.decode(args).pipe(
    Effect.flatMap((call) => Effect.provideService(call.run, Caller, caller)),
    Effect.flatMap((encoded) => Effect.orDie(Schema.decodeUnknown(output)(encoded)))
  )
