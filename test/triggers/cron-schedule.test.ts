/** Cron expressions through croner: 5 or 6 fields, UTC unless a timezone, next and missed ticks. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CronSchedule } from "../../src/triggers/cron-schedule.js";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

void describe("CronSchedule", () => {
  void it("reads 5 fields as minutes and 6 as seconds first, in UTC by default", () => {
    const hourly = new CronSchedule("0 * * * *", undefined);
    assert.equal(iso(hourly.next(at("2026-03-01T10:15:00Z"))), "2026-03-01T11:00:00.000Z");
    const everyTwoSeconds = new CronSchedule("*/2 * * * * *", undefined);
    assert.equal(iso(everyTwoSeconds.next(at("2026-03-01T10:15:01.500Z"))), "2026-03-01T10:15:02.000Z");
    // Strictly after: a tick exactly at `after` is not next.
    assert.equal(iso(everyTwoSeconds.next(at("2026-03-01T10:15:02Z"))), "2026-03-01T10:15:04.000Z");
  });

  void it("computes ticks in the given timezone, across a daylight-saving change", () => {
    const nineInParis = new CronSchedule("0 9 * * *", "Europe/Paris");
    assert.equal(iso(nineInParis.next(at("2026-01-15T00:00:00Z"))), "2026-01-15T08:00:00.000Z"); // UTC+1
    assert.equal(iso(nineInParis.next(at("2026-07-15T00:00:00Z"))), "2026-07-15T07:00:00.000Z"); // UTC+2
    const nineUtc = new CronSchedule("0 9 * * *", undefined);
    assert.equal(iso(nineUtc.next(at("2026-07-15T00:00:00Z"))), "2026-07-15T09:00:00.000Z");
  });

  void it("lists the latest missed ticks in (after, upTo], oldest first, at most max", () => {
    const s = new CronSchedule("* * * * * *", undefined);
    const missed = s.missed(at("2026-03-01T10:00:00Z"), at("2026-03-01T10:00:05Z"), 2);
    assert.deepEqual(missed.map(iso), ["2026-03-01T10:00:04.000Z", "2026-03-01T10:00:05.000Z"]);
    assert.deepEqual(s.missed(at("2026-03-01T10:00:00Z"), at("2026-03-01T10:00:00.900Z"), 3), []);
    assert.deepEqual(s.missed(at("2026-03-01T10:00:00Z"), at("2026-03-01T10:00:05Z"), 0), []);
  });

  void it("refuses other field counts, invalid fields and unknown timezones, saying what to give", () => {
    assert.throws(() => new CronSchedule("* * * *", undefined), /4 field\(s\); give 5/);
    assert.throws(() => new CronSchedule("0 0 1 1 * 2030", undefined), /minute|Invalid|seconds/i);
    assert.throws(() => new CronSchedule("* * * * * * *", undefined), /7 field\(s\)/);
    assert.throws(() => new CronSchedule("* 25 * * *", undefined), /hour/);
    assert.throws(() => new CronSchedule("* * * * *", "Nowhere/City"), /IANA/);
  });
});
