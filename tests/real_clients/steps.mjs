// The step protocol every drive_*.mjs script speaks with its Python test.
//
// stdin:  one JSON object per line: {"op": "<step name>", ...arguments}. The first line is
//         the scenario: {"op": "start", ...lab URLs, client ids}.
// stdout: one JSON object per line, one per step, in order:
//         {"ok": true, "result": {...}}                      the library did the step
//         {"ok": false, "error": {"name", "code", "message"}}  the library refused or failed
//
// Steps run one at a time, in order, in one process: the library keeps its own state
// (a CognitoUser's session, Amplify's token store) between steps, as it would in an app,
// and the test reads a mailed code or computes a TOTP code between two steps.
// Nothing else is written to stdout: libraries' console output goes to stderr.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

const out = process.stdout.write.bind(process.stdout);
for (const name of ["log", "info", "warn", "debug"]) console[name] = console.error;

// A refusal as data: the error's class or service name, and the fields libraries put the
// server's answer in (identity-js: code; openid-client: error, error_description, status).
function describe(err) {
  if (err === null || typeof err !== "object") return { name: typeof err, message: String(err) };
  const found = { name: err.name ?? err.constructor?.name ?? "Error",
                  message: String(err.message ?? "").slice(0, 500) };
  for (const key of ["code", "error", "error_description", "status"]) {
    const value = err[key];
    if (value !== undefined && value !== null && typeof value !== "object") found[key] = value;
  }
  return found;
}

// Serve steps: handlers[op](args, scenario) returns (or resolves to) the result object.
export function serveSteps(handlers) {
  let scenario = null;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const queue = [];
  let busy = false;

  async function runOne(line) {
    let reply;
    try {
      const step = JSON.parse(line);
      const { op, ...args } = step;
      if (op === "start") {
        scenario = args;
        reply = { ok: true, result: (await handlers.start?.(args)) ?? {} };
      } else if (!(op in handlers)) {
        reply = { ok: false, error: { name: "UnknownStep", message: `no step ${op}` } };
      } else {
        reply = { ok: true, result: (await handlers[op](args, scenario)) ?? {} };
      }
    } catch (err) {
      reply = { ok: false, error: describe(err) };
    }
    out(JSON.stringify(reply) + "\n");
  }

  async function drain() {
    if (busy) return;
    busy = true;
    while (queue.length) await runOne(queue.shift());
    busy = false;
  }

  lines.on("line", (line) => {
    if (line.trim()) {
      queue.push(line);
      drain();
    }
  });
  lines.on("close", async () => {
    await drain();
    // Libraries may keep timers (token refresh, Hub listeners): end when the test is done.
    const wait = setInterval(() => { if (!busy) { clearInterval(wait); process.exit(0); } }, 5);
  });
}

// A node-style callback API (identity-js) as a promise.
export function nodeCallback(fn) {
  return new Promise((resolve, reject) => {
    fn((err, value) => (err ? reject(err) : resolve(value)));
  });
}

// The claims of a JWT, unverified (the Python test verifies; this is for reading only).
export function claimsOf(token) {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
}

// The installed version of an npm package of this project.
export function versionOf(pkg) {
  const url = new URL(`./node_modules/${pkg}/package.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")).version;
}

// Let the library reach only the lab: a request anywhere else (AWS itself, telemetry) fails
// the step instead of leaving the machine.
export function onlyTo(base) {
  const allowed = new URL(base).origin;
  const next = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin !== allowed) {
      return Promise.reject(new Error(`request to ${url.origin} refused: only ${allowed}`));
    }
    return next(input, init);
  };
}
