import assert from "node:assert/strict";
import { test } from "node:test";

import { AuthError } from "../src/lib/errors.js";
import { MAX_BACKOFF_MS, refreshSchedule } from "../src/lib/schedule.js";
import { START, fakeClock } from "./fakes.js";

const session = { access: "x", receivedAt: START, lifetimeMs: 300_000, refreshCount: 0, sid: "s" };

function scheduleOn(clock, { jitter = 0, random = () => 0 } = {}) {
  const fired = [];
  const schedule = refreshSchedule({ clock, random, marginMs: 60_000, jitter, onDue: () => fired.push(clock.now()) });
  return { schedule, fired };
}

test("the timer fires when the refresh is due, this tab's jitter later", async () => {
  const clock = fakeClock();
  const { schedule, fired } = scheduleOn(clock, { jitter: 0.25 });
  schedule.arm(session);
  await clock.advance(300_000);
  assert.deepEqual(fired, [START + 243_000]);
});

test("back-off doubles from a second, never passes the cap, and never comes before Retry-After", () => {
  const clock = fakeClock();
  const { schedule } = scheduleOn(clock, { random: () => 1 });
  const delays = Array.from({ length: 8 }, () => schedule.backOff(new TypeError("offline"), session));
  assert.deepEqual(delays, [1_000, 2_000, 4_000, 8_000, 16_000, MAX_BACKOFF_MS, MAX_BACKOFF_MS, MAX_BACKOFF_MS]);
  schedule.reset();
  const throttled = new AuthError(429, "throttled", "Slow down", { retryAfter: 90 });
  assert.equal(schedule.backOff(throttled, session), 90_000);
  assert.equal(schedule.pausedByServer, true);
  clock.jump(90_000);
  assert.equal(schedule.pausedByServer, false);
});

test("a short lifetime backs off in a third of its margin, not a whole second", () => {
  const { schedule } = scheduleOn(fakeClock(), { random: () => 1 });
  assert.equal(schedule.backOff(new TypeError("offline"), { ...session, lifetimeMs: 3_000 }), 250);
});

test("a retry replaces the due time until reset", async () => {
  const clock = fakeClock();
  const { schedule, fired } = scheduleOn(clock);
  clock.jump(240_000);
  schedule.backOff(new TypeError("offline"), session); // 500 ms, random() being 0
  assert.equal(schedule.isDue(session), false);
  await clock.advance(500);
  assert.deepEqual(fired, [START + 240_500]);
  schedule.reset();
  assert.equal(schedule.isDue(session), true);
});

test("once stopped it never arms again", async () => {
  const clock = fakeClock();
  const { schedule } = scheduleOn(clock);
  schedule.arm(session);
  schedule.stop();
  schedule.arm(session);
  schedule.backOff(new TypeError("offline"), session);
  assert.equal(clock.pending(), 0);
});
