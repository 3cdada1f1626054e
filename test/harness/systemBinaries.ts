/**
 * The two system programs the tests use and where they are: `redis-server` (the shared-state
 * layers, multi-instance end-to-end tests) and Chromium (the sign-in page). Both come from
 * Debian's packages: no well-kept npm package ships a redis-server that runs here
 * (redis-memory-server builds from sources it downloads from redis.io, which this machine and CI
 * cannot reach), and the npm Chromium builds are either downloaded at install time from
 * Google's hosts (playwright, puppeteer) or made for AWS Lambda (@sparticuz/chromium).
 * `REDIS_SERVER` and `CHROMIUM` name other binaries.
 */
import { accessSync, constants } from "node:fs"
import { delimiter, join } from "node:path"

export interface SystemBinary {
  /** What the tests call it. */
  readonly name: string
  /** The Debian package that provides it. */
  readonly debianPackage: string
  /** The executable's path, or undefined when it is not installed. */
  readonly locate: () => string | undefined
}

const isExecutable = (path: string) => {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** `command` on PATH, like `command -v`. */
const onPath = (command: string): string | undefined =>
  (process.env["PATH"] ?? "").split(delimiter)
    .filter((dir) => dir !== "")
    .map((dir) => join(dir, command))
    .find(isExecutable)

const configured = (variable: string, fallback: () => string | undefined) => () => {
  const path = process.env[variable]
  return path !== undefined && path !== "" ? (isExecutable(path) ? path : undefined) : fallback()
}

export const redisServerBinary: SystemBinary = {
  name: "redis-server",
  debianPackage: "redis-server",
  locate: configured("REDIS_SERVER", () => onPath("redis-server"))
}

export const chromiumBinary: SystemBinary = {
  name: "chromium",
  debianPackage: "chromium",
  locate: configured("CHROMIUM", () => onPath("chromium"))
}

export const systemBinaries: ReadonlyArray<SystemBinary> = [redisServerBinary, chromiumBinary]

/** The binary's path; fails at once, naming what to install, when it is missing. */
export const requireBinary = (binary: SystemBinary): string => {
  const path = binary.locate()
  if (path !== undefined) return path
  throw new Error(
    `${binary.name} is not installed: \`npm test\` installs it (Debian package ${binary.debianPackage}), ` +
      `or run \`sudo apt-get install ${binary.debianPackage}\``
  )
}
