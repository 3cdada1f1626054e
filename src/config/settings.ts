/**
 * Parsers for environment settings. Each returns either the parsed value or a one-line
 * description of what is accepted, so a bad value stops start-up with a message that names the
 * variable, the value and the accepted form (see `Config.ts`). Knows nothing about which
 * variables exist.
 */
import { Config, ConfigError, Duration, Either, Option } from "effect"
import { availableParallelism } from "node:os"

export type Parse<A> = (raw: string) => Either.Either<A, string>

/** An env setting with a default, parsed by `parse`; a bad value fails with one readable line. */
export const setting = <A>(name: string, fallback: A, parse: Parse<A>): Config.Config<A> =>
  Config.string(name).pipe(
    Config.option,
    Config.mapOrFail((raw) =>
      Option.match(Option.filter(raw, (value) => value.trim() !== ""), {
        onNone: () => Either.right(fallback),
        onSome: (value) =>
          Either.mapLeft(
            parse(value.trim()),
            (accepted) =>
              ConfigError.InvalidData([], `${name}=${JSON.stringify(value)} is invalid; accepted: ${accepted}`)
          )
      })
    )
  )

/** An optional env setting: absent or empty is `None`. */
export const optionalSetting = <A>(name: string, parse: Parse<A>): Config.Config<Option.Option<A>> =>
  setting<Option.Option<A>>(name, Option.none(), (raw) => Either.map(parse(raw), Option.some))

export const port: Parse<number> = (raw) => {
  const value = Number(raw)
  return /^\d+$/.test(raw) && value >= 0 && value <= 65535
    ? Either.right(value)
    : Either.left("an integer port from 0 to 65535 (0 picks a free port)")
}

export const positiveInt: Parse<number> = (raw) => {
  const value = Number(raw)
  return /^\d+$/.test(raw) && value > 0 && Number.isSafeInteger(value)
    ? Either.right(value)
    : Either.left("a positive integer")
}

/** `auto` (one per core the OS lets this process use) or a positive integer. */
export const processCount: Parse<number> = (raw) =>
  raw === "auto" ? Either.right(Math.max(1, availableParallelism())) : Either.mapLeft(
    positiveInt(raw),
    () => "auto (one per core) or a positive integer"
  )

export const httpUrl: Parse<URL> = (raw) => {
  const accepted = "an absolute http:// or https:// URL, e.g. http://localhost:3001"
  if (!URL.canParse(raw)) return Either.left(accepted)
  const url = new URL(raw)
  return url.protocol === "http:" || url.protocol === "https:" ? Either.right(url) : Either.left(accepted)
}

export const oneOf = <const L extends string>(literals: ReadonlyArray<L>): Parse<L> => (raw) => {
  const found = literals.find((literal) => literal === raw)
  return found === undefined ? Either.left(literals.join(", ")) : Either.right(found)
}

const durationUnits: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }

/** Accepts `90s`, `30m`, `1h`, `500ms`, or Effect's long form such as `30 minutes`. */
export const duration: Parse<Duration.Duration> = (raw) => {
  const short = /^(\d+)\s*(ms|s|m|h)$/.exec(raw)
  if (short !== null) return Either.right(Duration.millis(Number(short[1]) * durationUnits[short[2]!]!))
  const long = /^\d+ (millis|seconds|minutes|hours)$/.test(raw) ? Duration.decodeUnknown(raw) : Option.none()
  return Option.match(Option.filter(long, (d) => Duration.toMillis(d) > 0), {
    onNone: () => Either.left("a positive duration such as 500ms, 90s, 30m, 1h or \"30 minutes\""),
    onSome: Either.right
  })
}

/** `0`, `0s`, `0ms`, …: a zero duration, read as "none" by the two parsers below. */
const zeroDuration = /^0+\s*(ms|s|m|h)?$/

/** `duration`, or `0` (also `0s`, `0ms`) for "none". */
export const durationOrZero: Parse<Duration.Duration> = (raw) =>
  zeroDuration.test(raw)
    ? Either.right(Duration.zero)
    : Either.mapLeft(duration(raw), () => "0, or a duration such as 500ms, 2s or \"1 second\"")

/** A duration, or `off` (also `0`, `0s`) for a feature that can be turned off: `None`. */
export const durationOrOff: Parse<Option.Option<Duration.Duration>> = (raw) => {
  if (raw === "off" || zeroDuration.test(raw)) return Either.right(Option.none())
  return Either.match(duration(raw), {
    onLeft: (accepted) => Either.left(`${accepted}, or off (also 0)`),
    onRight: (value) => Either.right(Option.some(value))
  })
}

/** A comma-separated list; empty entries are dropped. */
export const list: Parse<ReadonlyArray<string>> = (raw) =>
  Either.right(raw.split(",").map((entry) => entry.trim()).filter((entry) => entry !== ""))

const urls = (normalise: (url: URL, raw: string) => string): Parse<ReadonlyArray<string>> => (raw) => {
  const entries = raw.split(",").map((entry) => entry.trim()).filter((entry) => entry !== "")
  const bad = entries.find((entry) => Either.isLeft(httpUrl(entry)))
  return bad === undefined && entries.length > 0
    ? Either.right(entries.map((entry) => normalise(new URL(entry), entry)))
    : Either.left(`comma-separated http(s) URLs${bad === undefined ? "" : `; "${bad}" is not one`}`)
}

/** Browser origins (scheme://host:port), as compared against the `Origin` header. */
export const originList = urls((url) => url.origin)

/** Issuer URLs, kept as written (minus a trailing slash): `iss` is compared as a string. */
export const issuerList = urls((_url, raw) => raw.replace(/\/+$/, ""))

export const anyString: Parse<string> = Either.right

export const boolean: Parse<boolean> = (raw) => {
  const value = raw.toLowerCase()
  if (value === "true" || value === "1") return Either.right(true)
  if (value === "false" || value === "0") return Either.right(false)
  return Either.left("true, false, 1 or 0")
}

/** A Redis URL: `redis://` or `rediss://` (TLS), with host, optional credentials and db number. */
export const redisUrl: Parse<URL> = (raw) => {
  const accepted = "a redis:// or rediss:// URL such as redis://127.0.0.1:6379/0"
  if (!URL.canParse(raw)) return Either.left(accepted)
  const url = new URL(raw)
  const db = url.pathname.replace(/^\//, "")
  return (url.protocol === "redis:" || url.protocol === "rediss:") && url.hostname !== "" && /^\d*$/.test(db)
    ? Either.right(url)
    : Either.left(accepted)
}

/** Exactly 32 bytes, base64 (standard or URL-safe alphabet), e.g. from `openssl rand -base64 32`. */
export const base64Key32: Parse<Uint8Array> = (raw) => {
  const accepted = "32 random bytes in base64 (44 characters), e.g. from `openssl rand -base64 32`"
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(raw)) return Either.left(accepted)
  const bytes = Buffer.from(raw.replace(/-/g, "+").replace(/_/g, "/"), "base64")
  return bytes.length === 32 ? Either.right(new Uint8Array(bytes)) : Either.left(accepted)
}
