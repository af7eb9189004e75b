#!/usr/bin/env node
// A corporate OpenID Provider nobody here wrote: panva's oidc-provider (OpenID Certified),
// on 127.0.0.1, set up as an administrator sets up Okta for Cognito (AWS, "Using OIDC
// identity providers with a user pool"):
//   - one confidential web client whose redirect URI is the user pool's /oauth2/idpresponse
//     and whose token endpoint accepts client_secret_post only (AWS: Cognito sends the
//     secret in the body and doesn't support client_secret_basic);
//   - one account, with email and profile claims (OIDC Core 5.4: from the userinfo
//     endpoint; oidc-provider keeps them out of an ID token issued beside an access token);
//   - a sign-in page of its own (username and password; "cancel" ends the request with
//     access_denied): the library's devInteractions accept any password, this one doesn't.
//     The client is first-party: signing in grants the scopes asked for (no consent page).
//   - PKCE required of public clients only, as in an Okta web app by default. oidc-provider
//     8 requires it of every client (RFC 9700's recommendation); Cognito sends none to an
//     IdP (AWS documents PKCE only between the app and Cognito), so an IdP that demands it
//     of Cognito's confidential client can't federate with a user pool.
//
// Protocol: steps.mjs. Scenario ("start"): {clientId, clientSecret, redirectUri,
// account: {sub, username, password, email, name}}; the answer, on stdout, is
// {issuer, port, version}. Step "requests": what reached the token and userinfo endpoints
// ({method, path, status, authorization scheme, the body's parameter names, the names of
// the claims in the ID token it issued}).
// The server stops when the test closes stdin.
import { claimsOf, serveSteps, versionOf } from "./steps.mjs";      // first: console to stderr

import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:http";

import Provider from "oidc-provider";

const recorded = [];

function signingKey() {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { ...privateKey.export({ format: "jwk" }), kid: randomUUID(), alg: "RS256",
           use: "sig" };
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(uid, message) {
  return `<!doctype html><html><head><title>Corp sign-in</title></head><body>
<h1>Corp sign-in</h1>${message ? `<p role="alert">${escapeHtml(message)}</p>` : ""}
<form method="post" action="/interaction/${escapeHtml(uid)}">
<label>Username <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password"></label>
<button name="action" value="sign-in">Sign in</button>
<button name="action" value="cancel">Cancel</button>
</form></body></html>`;
}

function formOf(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(new URLSearchParams(Buffer.concat(chunks).toString("utf8"))));
    req.on("error", reject);
  });
}

function html(res, status, body) {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  res.end(body);
}

// The sign-in page: GET shows the form, POST checks the password and finishes the
// interaction (login and the grant together), or ends it with access_denied.
async function interaction(provider, account, req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === "GET") return html(res, 200, loginPage(details.uid));
  const form = await formOf(req);
  if (form.get("action") === "cancel") {
    return provider.interactionFinished(req, res, {
      error: "access_denied", error_description: "the user cancelled the sign-in" },
    { mergeWithLastSubmission: false });
  }
  if (form.get("username") !== account.username || form.get("password") !== account.password) {
    return html(res, 200, loginPage(details.uid, "Wrong username or password."));
  }
  const grant = new provider.Grant({ accountId: account.sub, clientId: details.params.client_id });
  grant.addOIDCScope(String(details.params.scope));
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, {
    login: { accountId: account.sub }, consent: { grantId } },
  { mergeWithLastSubmission: false });
}

function recordEndpoints(ctx) {
  if (!["/token", "/me"].includes(ctx.path)) return;
  const authorization = ctx.get("authorization");
  const idToken = ctx.path === "/token" ? ctx.body?.id_token : undefined;
  recorded.push({ method: ctx.method, path: ctx.path, status: ctx.status,
                  authorization: authorization ? authorization.split(" ")[0] : null,
                  bodyKeys: Object.keys(ctx.oidc?.body ?? {}).sort(),
                  idTokenClaims: idToken ? Object.keys(claimsOf(idToken)).sort() : null });
}

async function start({ clientId, clientSecret, redirectUri, account }) {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret,
                redirect_uris: [redirectUri], grant_types: ["authorization_code"],
                response_types: ["code"], token_endpoint_auth_method: "client_secret_post" }],
    jwks: { keys: [signingKey()] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: (ctx, registered) => registered.clientAuthMethod === "none" },
    async findAccount(ctx, id) {
      if (id !== account.sub) return undefined;
      return { accountId: id,
               claims: async () => ({ sub: id, email: account.email, email_verified: true,
                                      name: account.name }) };
    },
  });
  provider.use(async (ctx, next) => {
    await next();
    recordEndpoints(ctx);
  });
  const oidc = provider.callback();
  server.on("request", (req, res) => {
    if (!req.url.startsWith("/interaction/")) return oidc(req, res);
    interaction(provider, account, req, res).catch((err) => {
      if (!res.headersSent) html(res, 400, escapeHtml(err.message));
    });
  });
  return { issuer, port, version: versionOf("oidc-provider") };
}

serveSteps({
  start,
  requests: () => ({ requests: recorded }),
});
