/**
 * One problem with a tool's arguments, as the agent reads it: where (`path`), what is wrong, what
 * is accepted and a preview of what was sent. `InvalidToolInput` renders a bounded list of these.
 */
export interface InputIssue {
  /** `title`, `tags.3`, or `(arguments)` for the whole object. */
  readonly path: string
  readonly problem: string
  readonly accepts?: string | undefined
  /** A bounded preview (see preview.ts), absent for a missing value. */
  readonly sent?: string | undefined
}

/** How many issues an answer lists; the rest are counted. */
export const maxListedIssues = 10
/** The longest input error, in UTF-16 units. */
export const maxInputErrorLength = 2000

const clip = (text: string, max: number) => text.length > max ? `${text.slice(0, max - 1)}…` : text

export const renderIssue = (issue: InputIssue): string =>
  `${clip(issue.path, 80)}: ${clip(issue.problem, 160)}` +
  (issue.accepts === undefined ? "" : `. Accepted: ${clip(issue.accepts, 240)}`) +
  (issue.sent === undefined ? "" : `. Sent: ${issue.sent}`)

/** The agent-facing text: a header, at most `maxListedIssues` lines, a count of the rest, ≤ 2 KB. */
export const renderIssues = (
  tool: string,
  issues: ReadonlyArray<string>,
  unlisted: number,
  footer?: string
) => {
  const total = issues.length + unlisted
  const lines = [`Invalid input for ${tool} (${total === 1 ? "1 problem" : `${total} problems`}):`]
  let length = lines[0]!.length
  let shown = 0
  for (const issue of issues) {
    if (shown >= maxListedIssues) break
    const line = `- ${issue}`
    if (length + line.length + 200 > maxInputErrorLength) break
    lines.push(line)
    length += line.length + 1
    shown++
  }
  if (total > shown) lines.push(`- … and ${total - shown} more`)
  if (footer !== undefined) lines.push(footer)
  return clip(lines.join("\n"), maxInputErrorLength)
}
