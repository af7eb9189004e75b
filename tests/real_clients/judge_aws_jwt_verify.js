#!/usr/bin/env node
// Judge JWTs with awslabs' aws-jwt-verify, the verifier AWS publishes for Cognito.
//
// stdin:  {"cases": [{"name", "token", "now_ms", "jwks", "verifier": {userPoolId,
//          tokenUse, clientId, scope, groups, graceSeconds}}, ...]}
// stdout: {"version": "<aws-jwt-verify version>", "verdicts": [{"name", "valid",
//          "error", "message", "claims" (the payload, when valid)}, ...]}
//
// No network: each verifier gets the JWKS through cacheJwks() (which caches it under
// both issuer forms of the pool) and verifySync() never fetches. "Now" is the case's
// now_ms: aws-jwt-verify reads Date.now(), which is pinned per case so that both
// verifiers judge every token at the same instant.
"use strict";

const fs = require("fs");
const path = require("path");
const { CognitoJwtVerifier } = require("aws-jwt-verify");

const VERSION = JSON.parse(fs.readFileSync(
  path.join(__dirname, "node_modules", "aws-jwt-verify", "package.json"), "utf8")).version;

function judge(c) {
  const realNow = Date.now;
  Date.now = () => c.now_ms;
  try {
    const options = { userPoolId: c.verifier.userPoolId, tokenUse: c.verifier.tokenUse,
                      clientId: c.verifier.clientId, graceSeconds: c.verifier.graceSeconds };
    if (c.verifier.scope != null) options.scope = c.verifier.scope;
    if (c.verifier.groups != null) options.groups = c.verifier.groups;
    const verifier = CognitoJwtVerifier.create(options);
    verifier.cacheJwks(c.jwks);
    const claims = verifier.verifySync(c.token);
    return { name: c.name, valid: true, claims };
  } catch (err) {
    const error = (err && err.constructor && err.constructor.name) || typeof err;
    return { name: c.name, valid: false, error, message: String(err && err.message).slice(0, 300) };
  } finally {
    Date.now = realNow;
  }
}

const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
  const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const verdicts = input.cases.map(judge);
  process.stdout.write(JSON.stringify({ version: VERSION, verdicts }));
});
