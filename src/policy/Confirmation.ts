/**
 * What the policy gate knows about asking the user to confirm a destructive call, and its two
 * non-pass outcomes. The transport says whether the client can be asked (it declared the
 * elicitation capability) or brings the user's verified answer; the gate decides whether to ask.
 * `ConfirmationNeeded` and `ConfirmationDeclined` are control flow for the invoke pipeline, which
 * turns them into a prompt and a "nothing changed" result; they never reach the agent as errors.
 */
import { Data } from "effect"

export type ConfirmationAnswer = "confirmed" | "declined" | "cancelled"

export type Confirmation =
  /** The client did not declare elicitation: a destructive call is denied as before. */
  | { readonly _tag: "CannotAsk" }
  /** The client can show the user a Confirm/Cancel prompt. */
  | { readonly _tag: "CanAsk" }
  /** The user answered a prompt about exactly this call (its signed state verified). */
  | { readonly _tag: "Answered"; readonly answer: ConfirmationAnswer }

/** Enforce mode would deny this destructive call, but the user can be asked instead. */
export class ConfirmationNeeded extends Data.TaggedError("ConfirmationNeeded")<{ readonly tool: string }> {}

/** The user declined or cancelled the prompt: the call must not run. */
export class ConfirmationDeclined extends Data.TaggedError("ConfirmationDeclined")<{
  readonly tool: string
  readonly answer: "declined" | "cancelled"
}> {}

/**
 * What the transport knows about confirming this tools/call: whether the client can be asked
 * and, on the round that carries the user's answer, the echoed signed state and the answer.
 */
export interface ConfirmationRound {
  readonly canAsk: boolean
  readonly answer?: { readonly state: string; readonly answer: ConfirmationAnswer }
}

export const noConfirmationRound: ConfirmationRound = { canAsk: false }
