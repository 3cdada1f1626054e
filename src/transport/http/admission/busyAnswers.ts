/**
 * What a user hears past their admission queue (`UserAdmission.ts`): a tool call gets a tool
 * error the agent can read and act on (retry), a body a 429 with `Retry-After` (http/httpErrors.ts). Both say the
 * refusal is about this user's own load, not the request.
 */
import type { AdmissionSettings } from "../../../config/admission.ts"
import type { InvokeOutcome } from "../../../tools/kit/invoke.ts"
import { errorResult } from "../../../tools/kit/toolResult.ts"
import { UserBodiesBusy } from "../HttpFailure.ts"

export const busyCallOutcome = (limits: AdmissionSettings): InvokeOutcome => ({
  _tag: "Result",
  result: errorResult(
    `Busy: you already have ${limits.userCallsInFlight} tool calls running and ${limits.userCallQueue} waiting (USER_CALLS_IN_FLIGHT, USER_CALL_QUEUE). Nothing was done; retry this call once some of the others have answered.`
  )
})

export const busyBodyFailure = (limits: AdmissionSettings): UserBodiesBusy =>
  new UserBodiesBusy({ waiting: limits.userCallsInFlight + limits.userCallQueue })
