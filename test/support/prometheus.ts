/** Reading the gateway's Prometheus text in tests: one series's value by name and labels. */

/** The value of the first series of `name` carrying all of `labels`, 0 when absent. */
export const metricValue = (text: string, name: string, labels: Record<string, string> = {}): number => {
  const line = text.split("\n").find((candidate) =>
    candidate.startsWith(`${name}{`) &&
    Object.entries(labels).every(([key, value]) => candidate.includes(`${key}="${value}"`))
  )
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(" ") + 1))
}
