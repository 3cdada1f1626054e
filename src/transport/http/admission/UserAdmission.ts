/**
 * Per-user admission (issue #28, finding 3): one user's load must not starve another's. Each user
 * has a bounded number of tool calls running (USER_CALLS_IN_FLIGHT) and of body bytes being read
 * and parsed (USER_BODY_BYTES); more wait in that user's own queue, and only past USER_CALL_QUEUE
 * waiting are they refused, with a retryable answer. Other users never wait behind that queue.
 * The bounds protect the process, so they hold in every POLICY_MODE. A user's entry exists only
 * while it has work admitted or waiting.
 */
import { Effect } from "effect"
import type { AdmissionSettings } from "../../../config/admission.ts"
import type { AdmissionOutcome, AdmissionStage } from "../../../observability/Metrics.ts"
import { makeSlots, type Slots } from "./slots.ts"
import type { UserTurns } from "./UserTurns.ts"

/** A user's two budgets: what runs and what waits is all in them. */
interface Gate {
  readonly calls: Slots
  readonly bytes: Slots
}

export type CountAdmission = (stage: AdmissionStage, outcome: AdmissionOutcome) => void

export interface UserAdmission {
  /** Runs `call` when the user has a free slot; `refused` (computed only then) past the queue bound. */
  readonly call: <A, E, R>(userId: string, call: Effect.Effect<A, E, R>, refused: () => A) => Effect.Effect<A, E, R>
  /** Runs `read` once `bytes` (the declared length, or the bound when unknown) fit the user's budget. */
  readonly body: <A, E, R, Refused>(
    userId: string,
    bytes: number,
    read: Effect.Effect<A, E, R>,
    refused: () => Refused
  ) => Effect.Effect<A, E | Refused, R>
}

export const makeUserAdmission = (
  settings: AdmissionSettings,
  maxBodyBytes: number,
  count: CountAdmission,
  /** A user's calls, waiting and admitted, run in that user's turns of the event loop. */
  turns: UserTurns
): UserAdmission => {
  const gates = new Map<string, Gate>()
  const gateOf = (userId: string): Gate => {
    const existing = gates.get(userId)
    if (existing !== undefined) return existing
    const gate: Gate = { calls: makeSlots(settings.userCallsInFlight), bytes: makeSlots(settings.userBodyBytes) }
    gates.set(userId, gate)
    return gate
  }
  const forgetIdle = (userId: string, gate: Gate) => {
    if (gate.calls.idle() && gate.bytes.idle() && gates.get(userId) === gate) gates.delete(userId)
  }
  const forgetWhenIdle = (userId: string, gate: Gate) => Effect.sync(() => forgetIdle(userId, gate))

  const call = <A, E, R>(userId: string, work: Effect.Effect<A, E, R>, refused: () => A) =>
    Effect.suspend(() => {
      const gate = gateOf(userId)
      if (gate.calls.waiting() >= settings.userCallQueue) {
        count("call", "refused")
        return Effect.sync(refused)
      }
      if (gate.calls.wouldWait(1)) count("call", "queued")
      // Started by a yield, so even the call's first step waits for its user's turn.
      return Effect.zipRight(Effect.yieldNow(), gate.calls.withSlots(1)(work)).pipe(
        Effect.withScheduler(turns.of(userId)),
        Effect.ensuring(forgetWhenIdle(userId, gate))
      )
    })

  const body = <A, E, R, Refused>(
    userId: string,
    bytes: number,
    read: Effect.Effect<A, E, R>,
    refused: () => Refused
  ): Effect.Effect<A, E | Refused, R> =>
    Effect.suspend((): Effect.Effect<A, E | Refused, R> => {
      const gate = gateOf(userId)
      // A body without a length may be as large as the bound; none takes more than the whole budget.
      const permits = Math.min(bytes > 0 ? bytes : maxBodyBytes, settings.userBodyBytes)
      if (gate.bytes.waiting() >= settings.userCallQueue) {
        count("body", "refused")
        forgetIdle(userId, gate)
        return Effect.fail(refused())
      }
      if (gate.bytes.wouldWait(permits)) count("body", "queued")
      return gate.bytes.withSlots(permits)(read).pipe(Effect.ensuring(forgetWhenIdle(userId, gate)))
    })

  return { call, body }
}
