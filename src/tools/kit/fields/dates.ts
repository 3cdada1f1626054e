/**
 * Date inputs as agents send them. A date-time is any RFC 3339 timestamp with an offset
 * (`Z`, `+02:00`, …) and is stored as UTC `Z` with millisecond precision, the form the web app
 * writes; a date-only field is `YYYY-MM-DD`. Both refuse implausible years (before 1900 or after
 * 2100), which are almost always a model's arithmetic slip. Parsing only: no clock here.
 */
import { DateTime, Effect, ParseResult, Schema } from "effect"
import { AcceptsId } from "./accepts.ts"

/** The years a date input may name; one range for every date field. */
export const plausibleYears = { min: 1900, max: 2100 } as const

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2})$/

const daysIn = (year: number, month: number) => {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0
}

const plausibleDate = (year: number, month: number, day: number) =>
  year >= plausibleYears.min && year <= plausibleYears.max && month >= 1 && month <= 12 && day >= 1 &&
  day <= daysIn(year, month)

/** The UTC `Z` form of an RFC 3339 date-time with offset, or `undefined` if it is not one (or implausible). */
export const toUtcIso = (text: string): string | undefined => {
  const match = rfc3339.exec(text)
  if (match === null) return undefined
  const [, y, mo, d, h, mi, s] = match.map(Number)
  if (y === undefined || mo === undefined || d === undefined || !plausibleDate(y, mo, d)) return undefined
  if ((h ?? 99) > 23 || (mi ?? 99) > 59 || (Number.isNaN(s) ? 0 : (s ?? 0)) > 59) return undefined
  const millis = Date.parse(text.toUpperCase())
  if (Number.isNaN(millis)) return undefined
  const utc = DateTime.formatIso(DateTime.unsafeMake(millis))
  const year = Number(utc.slice(0, 4))
  return year >= plausibleYears.min && year <= plausibleYears.max ? utc : undefined
}

/**
 * An RFC 3339 date-time with offset, decoded to the UTC `Z` string that is stored. Encoding
 * returns the stored form unchanged.
 */
export const DateTimeInput = Schema.transformOrFail(
  Schema.String.annotations({ jsonSchema: { type: "string", format: "date-time" } }),
  Schema.String,
  {
    strict: true,
    decode: (text, _, ast) => {
      const utc = toUtcIso(text.trim())
      return utc === undefined
        ? ParseResult.fail(
          new ParseResult.Type(
            ast,
            text,
            `expected an RFC 3339 date-time with an offset between the years ${plausibleYears.min} and ${plausibleYears.max}, e.g. 2026-05-01T17:00:00+02:00 or 2026-05-01T15:00:00Z`
          )
        )
        : ParseResult.succeed(utc)
    },
    encode: ParseResult.succeed
  }
)

/** Today's date in UTC (`YYYY-MM-DD`) by the Effect clock. */
export const todayUtc = Effect.map(DateTime.now, (now) => DateTime.formatIso(now).slice(0, 10))

/** The UTC date `days` after (or before, if negative) `date`. */
export const addDays = (date: string, days: number): string =>
  DateTime.formatIso(DateTime.add(DateTime.unsafeMake(`${date}T00:00:00Z`), { days })).slice(0, 10)
const isCalendarDay = (year: number, month: number, day: number) => day >= 1 && day <= daysIn(year, month)

const dateProblem = (year: number, month: number, day: number) =>
  year < plausibleYears.min || year > plausibleYears.max
    ? `is outside the years ${plausibleYears.min}–${plausibleYears.max}`
    : isCalendarDay(year, month, day)
    ? undefined
    : "is not a real calendar date"

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/

/** `YYYY-MM-DD`, a real day in a plausible year. */
export const calendarDate = (description: string) =>
  Schema.String.pipe(
    Schema.filter((value) => {
      const match = value.length === 10 ? datePattern.exec(value) : null
      if (match === null) return "is not in the form YYYY-MM-DD"
      return dateProblem(Number(match[1]), Number(match[2]), Number(match[3])) ?? true
    }, { jsonSchema: { format: "date" } })
  ).annotations({
    description,
    [AcceptsId]: `a date as YYYY-MM-DD, years ${plausibleYears.min}–${plausibleYears.max}`
  })

// zod's `.datetime()` accepted only UTC `Z` timestamps; offsets are refused (upstreams.md 3.1).
const dateTimePattern = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?Z$/

/** A UTC ISO-8601 date and time ending in `Z`, in a plausible year. */
export const utcDateTime = (description: string) =>
  Schema.String.pipe(
    Schema.filter((value) => {
      const match = value.length <= 40 ? dateTimePattern.exec(value) : null
      if (match === null) return "is not a UTC date and time such as 2026-05-01T17:00:00.000Z"
      return dateProblem(Number(match[1]), Number(match[2]), Number(match[3])) ?? true
    }, { jsonSchema: { format: "date-time" } })
  ).annotations({
    description,
    [AcceptsId]:
      `a UTC date and time ending in Z, e.g. 2026-05-01T17:00:00.000Z, years ${plausibleYears.min}–${plausibleYears.max}`
  })
