import assert from "node:assert/strict";
import { test } from "node:test";

import { storageLease } from "../src/lib/lease.js";
import { fakeClock, memoryStorage, settle } from "./fakes.js";

function contenders(count, { holdMs = 10_000 } = {}) {
  const clock = fakeClock();
  const storage = memoryStorage();
  const running = { now: 0, most: 0, order: [] };
  const leases = Array.from({ length: count }, (_, i) =>
    storageLease({ storage, key: "lease", owner: `tab-${i}`, clock, random: () => (i * 0.37) % 1, holdMs }),
  );
  /** A task that takes `ms` on the clock and records how many ran at once. */
  const task = (name, ms) => async () => {
    running.now += 1;
    running.most = Math.max(running.most, running.now);
    running.order.push(name);
    await new Promise((resolve) => clock.setTimeout(resolve, ms));
    running.now -= 1;
    return name;
  };
  return { clock, storage, running, leases, task };
}

test("tabs that ask at the same moment run one at a time", async () => {
  const { clock, running, leases, task } = contenders(3);
  const results = leases.map((run, i) => run(task(`tab-${i}`, 500), { waitMs: 10_000 }));
  await clock.advance(5_000);
  assert.deepEqual((await Promise.all(results)).sort(), ["tab-0", "tab-1", "tab-2"]);
  assert.equal(running.most, 1);
});

test("the holder removes the lease when done, even when its task fails", async () => {
  const { clock, storage, leases } = contenders(1);
  const failing = leases[0](() => Promise.reject(new Error("boom")), { waitMs: 1_000 });
  failing.catch(() => {});
  await clock.advance(200);
  await assert.rejects(failing, /boom/);
  assert.equal(storage.data.has("lease"), false);
});

test("a waiting tab gives up after waitMs with a time-out", async () => {
  const { clock, storage, leases } = contenders(1);
  storage.setItem("lease", JSON.stringify({ owner: "another tab", until: clock.now() + 60_000 }));
  const waiting = leases[0](async () => "ran", { waitMs: 3_000 });
  waiting.catch(() => {});
  await clock.advance(3_100);
  await assert.rejects(waiting, (error) => error.code === "timeout");
});

test("a lease whose holder vanished lapses at its deadline", async () => {
  const { clock, storage, leases } = contenders(1);
  storage.setItem("lease", JSON.stringify({ owner: "a closed tab", until: clock.now() + 2_000 }));
  const waiting = leases[0](async () => "ran", { waitMs: 10_000 });
  await clock.advance(1_900);
  await settle();
  let done = false;
  waiting.then(() => (done = true));
  await settle();
  assert.equal(done, false);
  await clock.advance(500);
  assert.equal(await waiting, "ran");
});

test("an abort stops the wait", async () => {
  const { clock, storage, leases } = contenders(1);
  storage.setItem("lease", JSON.stringify({ owner: "another tab", until: clock.now() + 60_000 }));
  const controller = new AbortController();
  const waiting = leases[0](async () => "ran", { waitMs: 10_000, signal: controller.signal });
  await clock.advance(100);
  controller.abort(new Error("disposed"));
  await assert.rejects(waiting, /disposed/);
});
