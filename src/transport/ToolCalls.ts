/**
 * The tool calls running in this process, one fiber each in a `FiberSet`. The SDK handlers start
 * calls here; graceful shutdown waits for the set to empty, bounded by SHUTDOWN_GRACE, then
 * interrupts what is left. A call cut at that deadline answers its request with a JSON-RPC error
 * saying its outcome is unconfirmed (it may have written upstream), so the client neither hangs
 * nor retries blindly.
 */
import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server"
import { Cause, type Duration, Effect, Exit, Fiber, FiberSet } from "effect"

export const unconfirmedOutcomeMessage =
  "the gateway shut down before this call finished; its outcome is unconfirmed — check with the list tool before retrying"

export interface ToolCalls<A, R> {
  /**
   * Runs `call` as a fiber of the set. The promise resolves with its result; it rejects with the
   * unconfirmed-outcome `ProtocolError` when shutdown cut the call, which the SDK sends as the
   * request's JSON-RPC error.
   */
  readonly run: (call: Effect.Effect<A, never, R>) => Promise<A>
  /** The same for a caller that is an Effect itself: the call's exit (interrupted when shutdown cut it). */
  readonly runExit: (call: Effect.Effect<A, never, R>) => Effect.Effect<Exit.Exit<A>>
  /** How many calls are running now. */
  readonly running: Effect.Effect<number>
  /** Waits up to `grace` for the running calls, then interrupts the rest; succeeds with how many it cut. */
  readonly drain: (grace: Duration.DurationInput) => Effect.Effect<number>
}

export const makeToolCalls = <A, R>() =>
  Effect.gen(function*() {
    const set = yield* FiberSet.make<A, never>()
    const fork = yield* FiberSet.runtime(set)<R>()

    const settle = (exit: Exit.Exit<A>): Promise<A> => {
      if (Exit.isSuccess(exit)) return Promise.resolve(exit.value)
      return Promise.reject(
        Cause.isInterruptedOnly(exit.cause)
          ? new ProtocolError(ProtocolErrorCode.InternalError, unconfirmedOutcomeMessage)
          : Cause.squash(exit.cause)
      )
    }

    // The fiber's own observer settles the promise: no second fiber per call just to await it.
    const run = (call: Effect.Effect<A, never, R>): Promise<A> =>
      new Promise<Exit.Exit<A>>((resolve) => fork(call).addObserver(resolve)).then(settle)

    // Awaited, not joined: the caller's own interruption (its client left) must not cut the call.
    const runExit = (call: Effect.Effect<A, never, R>) => Effect.flatMap(Effect.sync(() => fork(call)), Fiber.await)

    const drain = (grace: Duration.DurationInput) =>
      Effect.gen(function*() {
        // Finalizers run uninterruptibly; the wait must be interruptible or the timeout cannot end it.
        yield* FiberSet.awaitEmpty(set).pipe(Effect.interruptible, Effect.timeout(grace), Effect.ignore)
        const cut = yield* FiberSet.size(set)
        yield* FiberSet.clear(set)
        return cut
      })

    return { run, runExit, running: FiberSet.size(set), drain } satisfies ToolCalls<A, R>
  })
