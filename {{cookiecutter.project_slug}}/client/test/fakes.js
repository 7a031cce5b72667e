// Test doubles: a controllable clock, a fake API server, BroadcastChannel and Web Locks.

import { projectDefaults } from "../src/config.js";
import { createAuthClient } from "../src/lib/auth-client.js";

export const START = Date.UTC(2030, 0, 1);

/** Let every pending promise callback and fake channel delivery run. */
export async function settle() {
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * A clock whose timers fire only when told: advance() moves time and fires what falls due;
 * jump() moves time without firing anything, like a frozen background tab.
 */
export function fakeClock(start = START) {
  let time = start;
  let nextId = 1;
  const timers = new Map();
  return {
    now: () => time,
    setTimeout(callback, ms = 0) {
      const id = nextId++;
      timers.set(id, { at: time + Math.max(0, ms), callback });
      return id;
    },
    clearTimeout(id) {
      timers.delete(id);
    },
    pending: () => timers.size,
    jump(ms) {
      time += ms;
    },
    async advance(ms) {
      const end = time + ms;
      for (;;) {
        const due = [...timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        time = Math.max(time, due[1].at);
        due[1].callback();
        await settle();
      }
      time = end;
      await settle();
    },
  };
}

/** An unsigned JWT: the client only reads it. */
export function makeJwt(payload) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode({ alg: "HS256", typ: "JWT" })}.${encode(payload)}.signature`;
}

export function json(status, body) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

/** A deferred promise, to hold a response back until the test says so. */
export function gate() {
  let open;
  const promise = new Promise((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/**
 * A fake API with the server contract's behaviour: tokens with a lifetime, rotation, reuse
 * detection in local_storage mode, the CSRF check in cookie mode, and a protected /api/me/.
 * `serverNow` may run apart from the client's clock to model skew.
 */
export function fakeServer({
  mode = "httponly_cookie",
  lifetimeS = 300,
  serverNow = () => START,
  sendExpiresIn = true,
  sendCsrf = false,
} = {}) {
  const calls = [];
  let issued = 0;
  let family = 0;
  let access = null;
  let refresh = null;
  const spent = new Set();
  const server = {
    calls,
    mode,
    csrf: "csrf-value",
    /** Replace a route's answer: path -> (call) => Response | Promise<Response>. */
    override: new Map(),
    /** While set, refresh answers wait for this promise. */
    refreshGate: null,
    get access() {
      return access;
    },
    get refresh() {
      return refresh;
    },
    callsTo: (path) => calls.filter((call) => call.path === path),
    /** Issue tokens; `newSession` starts a new session family (a sign-in). */
    issue({ newSession = false } = {}) {
      issued += 1;
      if (newSession || family === 0) family += 1;
      const iat = Math.floor(serverNow() / 1000);
      access = makeJwt({ token_type: "access", n: issued, fam: `family-${family}`, username: "demo", iat, exp: iat + lifetimeS });
      const body = { access, ...(sendExpiresIn && { expires_in: lifetimeS }), ...(sendCsrf && { csrf_token: server.csrf }) };
      if (mode === "local_storage") {
        if (refresh) spent.add(refresh);
        refresh = `refresh-${issued}`;
        body.refresh = refresh;
      }
      return body;
    },
    async fetch(input, init = {}) {
      const url = input instanceof Request ? input.url : String(input);
      const call = {
        url,
        path: new URL(url, "http://testserver").pathname,
        method: (init.method ?? "GET").toUpperCase(),
        headers: new Headers(init.headers),
        body: init.body,
        init,
      };
      call.json = typeof init.body === "string" ? safeParse(init.body) : undefined;
      calls.push(call);
      await new Promise((resolve) => setImmediate(resolve)); // a network round trip is never instant
      const route = server.override.get(call.path) ?? routes[call.path];
      if (!route) return json(404, { detail: "Not found.", code: "not_found" });
      return abortable(Promise.resolve(route(call)), init.signal);
    },
  };

  const bearerOk = (call) => access !== null && call.headers.get("Authorization") === `Bearer ${access}`;
  const routes = {
    "/api/token/": (call) =>
      call.json?.password === "secret"
        ? json(200, server.issue({ newSession: true }))
        : json(401, { detail: "No active account", code: "no_active_account" }),
    "/api/token/refresh/": async (call) => {
      if (server.refreshGate) await server.refreshGate;
      if (mode === "httponly_cookie") {
        if (call.headers.get("X-CSRFToken") !== server.csrf) return json(403, { detail: "CSRF failed", code: "csrf_failed" });
        if (access === null) return json(400, { detail: "No refresh token was sent.", code: "refresh_token_missing" });
      } else if (spent.has(call.json?.refresh)) {
        access = null;
        return json(401, { detail: "Reused", code: "token_reused" });
      } else if (!call.json?.refresh || call.json.refresh !== refresh) {
        return json(401, { detail: "Token is invalid or expired.", code: "token_not_valid" });
      }
      return json(200, server.issue());
    },
    "/api/auth/csrf/": () => (sendCsrf ? json(200, { csrf_token: server.csrf }) : json(404, { detail: "Not found.", code: "not_found" })),
    "/api/me/": (call) =>
      bearerOk(call) ? json(200, { id: 1, username: "demo" }) : json(401, { detail: "Token expired", code: "token_not_valid" }),
    "/api/auth/logout/": (call) => (bearerOk(call) ? end() : json(401, { detail: "No token", code: "not_authenticated" })),
    "/api/auth/logout-all/": (call) => (bearerOk(call) ? end() : json(401, { detail: "No token", code: "not_authenticated" })),
  };
  function end() {
    access = null;
    refresh = null;
    return new Response(null, { status: 205 });
  }
  return server;
}

/** Like fetch, give up when the request's signal aborts, with its reason. */
function abortable(promise, signal) {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    promise.then(resolve, reject);
  });
}

function safeParse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** One BroadcastChannel "browser": instances of the same name hear each other, never themselves, asynchronously. */
export function fakeBroadcastHub() {
  const open = new Set();
  const log = [];
  class FakeBroadcastChannel extends EventTarget {
    constructor(name) {
      super();
      this.name = name;
      open.add(this);
    }
    postMessage(message) {
      const data = structuredClone(message); // what a real channel would refuse, this refuses too
      log.push(data);
      for (const peer of open) {
        if (peer !== this && peer.name === this.name) {
          setImmediate(() => open.has(peer) && peer.dispatchEvent(new MessageEvent("message", { data: structuredClone(data) })));
        }
      }
    }
    close() {
      open.delete(this);
    }
  }
  return { BroadcastChannel: FakeBroadcastChannel, log };
}

/** Web Locks with exclusive locks granted in request order; a request's signal withdraws it while it waits. */
export function fakeLocks() {
  const tails = new Map();
  const locks = {
    grants: 0,
    async request(name, options, callback) {
      const previous = tails.get(name) ?? Promise.resolve();
      let release;
      const held = new Promise((resolve) => {
        release = resolve;
      });
      tails.set(name, previous.then(() => held));
      try {
        await abortable(previous, options.signal);
      } catch (error) {
        previous.then(release);
        throw error;
      }
      locks.grants += 1;
      try {
        return await callback({ name, mode: "exclusive" });
      } finally {
        release();
      }
    },
  };
  return locks;
}

/** A storage that records every call. */
export function memoryStorage(initial = {}) {
  const data = new Map(Object.entries(initial));
  const log = [];
  return {
    log,
    data,
    getItem: (key) => (log.push(["get", key]), data.has(key) ? data.get(key) : null),
    setItem: (key, value) => (log.push(["set", key, value]), void data.set(key, String(value))),
    removeItem: (key) => (log.push(["remove", key]), void data.delete(key)),
  };
}

export const API = "http://testserver";

/** A client wired to fakes; no real timers, channels or globals. `random` is 0: no jitter. */
export function makeClient({ server, clock, ...options } = {}) {
  return createAuthClient({
    refreshStorage: server.mode,
    baseUrl: API,
    endpoints: projectDefaults.endpoints,
    fetch: server.fetch,
    now: clock.now,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    random: () => 0,
    locks: null,
    BroadcastChannel: null,
    eventTarget: null,
    getCookie: (name) => (name === "csrftoken" ? server.csrf : null),
    storage: memoryStorage(),
    ...options,
  });
}

/** A server, clock and signed-in client, plus the states the client reported. */
export async function signedIn(serverOptions = {}, clientOptions = {}) {
  const clock = clientOptions.clock ?? fakeClock();
  const server = clientOptions.server ?? fakeServer(serverOptions);
  const client = makeClient({ server, clock, ...clientOptions });
  const states = [];
  const events = [];
  client.subscribe((state, event) => {
    states.push(state);
    events.push(event);
  });
  await client.login({ username: "demo", password: "secret" });
  return { clock, server, client, states, events };
}
