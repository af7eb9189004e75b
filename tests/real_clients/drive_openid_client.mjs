#!/usr/bin/env node
// Drive openid-client v6 (panva; oauth4webapi underneath) against the lab's hosted UI.
//
// Protocol: steps.mjs. Scenario ("start"): {issuer, labUrl, userPoolId, jwksUrl, domainUrl,
// clients: {<name>: {clientId, clientSecret, redirectUri}}}.
//
// Where the server's metadata comes from (step "configure", `source`):
//   "metadata":  new Configuration(serverMetadata, ...) with issuer = the AWS issuer (what
//                the tokens' iss says) and every endpoint on the lab, jwks_uri = lab.jwks_url.
//   "discovery": discovery(new URL(issuer)) exactly as an app does against AWS, with a
//                customFetch that carries requests for https://cognito-idp.<region>.
//                amazonaws.com/<pool>/... to the lab (the document it gets names the lab's
//                endpoints). Pointing discovery at the lab's own URL fails: the document's
//                issuer is AWS's, and openid-client requires them to be equal.
// Both use allowInsecureRequests (the lab is http://127.0.0.1) and enableNonRepudiationChecks
// (ID tokens from the token endpoint are checked against the JWKS too, not only by claims).
// Every request a step makes is recorded ({method, url, authorization scheme, the body's
// parameter names and its client_id/client_secret}) and returned as the step's `requests`.
import * as client from "openid-client";

import { onlyTo, serveSteps, versionOf } from "./steps.mjs";

let scenario = null;
const configs = new Map();      // configuration name -> {config, client name}
const pending = new Map();      // configuration name -> {codeVerifier, nonce, state}
let recorded = [];

function recordingFetch(rewrite) {
  return async (url, options) => {
    const target = rewrite ? rewrite(url) : url;
    const headers = new Headers(options.headers);
    const authorization = headers.get("authorization");
    let body = null;
    if (typeof options.body === "string" || options.body instanceof URLSearchParams) {
      const params = new URLSearchParams(options.body);
      body = { keys: [...params.keys()].sort(), client_id: params.get("client_id"),
               client_secret: params.get("client_secret") };
    }
    recorded.push({ method: options.method, url: String(target),
                    authorization: authorization ? authorization.split(" ")[0] : null,
                    basic: authorization?.startsWith("Basic ")
                      ? Buffer.from(authorization.slice(6), "base64").toString("utf8") : null,
                    body });
    return fetch(target, options);
  };
}

function clientAuth(kind, secret) {
  if (kind === "basic") return client.ClientSecretBasic(secret);
  if (kind === "post") return client.ClientSecretPost(secret);
  return client.None();
}

function tokensOf(response) {
  const claims = response.id_token ? response.claims() : null;
  return { access_token: response.access_token, id_token: response.id_token ?? null,
           refresh_token: response.refresh_token ?? null, token_type: response.token_type,
           expires_in: response.expiresIn(), scope: response.scope ?? null, claims };
}

function configOf(name) {
  if (!configs.has(name)) throw new Error(`configure ${name} first`);
  return configs.get(name).config;
}

async function step(work) {
  recorded = [];
  const result = await work();
  return { ...result, requests: recorded };
}

serveSteps({
  start(args) {
    onlyTo(args.labUrl);
    scenario = args;
    return { version: versionOf("openid-client"), oauth4webapi: versionOf("oauth4webapi") };
  },

  configure({ name, client: clientName, source, auth }) {
    return step(async () => {
      const app = scenario.clients[clientName];
      const metadata = { redirect_uris: app.redirectUri ? [app.redirectUri] : undefined,
                         id_token_signed_response_alg: "RS256" };
      const authMethod = clientAuth(auth, app.clientSecret);
      let config;
      if (source === "discovery") {
        const aws = new URL(scenario.issuer);
        const rewrite = (url) => {
          const u = new URL(url);
          return u.origin === aws.origin ? new URL(u.pathname + u.search, scenario.labUrl) : u;
        };
        config = await client.discovery(aws, app.clientId, metadata, authMethod, {
          execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
          [client.customFetch]: recordingFetch(rewrite),
        });
      } else {
        const lab = scenario.domainUrl;
        config = new client.Configuration({
          issuer: scenario.issuer,
          authorization_endpoint: `${lab}/oauth2/authorize`,
          token_endpoint: `${lab}/oauth2/token`,
          userinfo_endpoint: `${lab}/oauth2/userInfo`,
          revocation_endpoint: `${lab}/oauth2/revoke`,
          end_session_endpoint: `${lab}/logout`,
          jwks_uri: scenario.jwksUrl,
          token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
          id_token_signing_alg_values_supported: ["RS256"],
        }, app.clientId, metadata, authMethod);
        client.allowInsecureRequests(config);
        client.enableNonRepudiationChecks(config);
        config[client.customFetch] = recordingFetch(null);
      }
      configs.set(name, { config, clientName });
      const server = config.serverMetadata();
      return { issuer: server.issuer, token_endpoint: server.token_endpoint,
               authorization_endpoint: server.authorization_endpoint,
               userinfo_endpoint: server.userinfo_endpoint,
               revocation_endpoint: server.revocation_endpoint, jwks_uri: server.jwks_uri };
    });
  },

  async authorizationUrl({ name, scope, parameters }) {
    // parameters: more authorization request parameters, e.g. {identity_provider}.
    const config = configOf(name);
    const app = scenario.clients[configs.get(name).clientName];
    const codeVerifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    pending.set(name, { codeVerifier, nonce, state });
    const url = client.buildAuthorizationUrl(config, {
      ...parameters, redirect_uri: app.redirectUri, scope, nonce, state,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: "S256",
    });
    return { url: url.href, nonce, state };
  },

  callback({ name, callbackUrl, nonce, state, codeVerifier }) {
    // nonce/state/codeVerifier override what authorizationUrl remembered (attack tests).
    return step(async () => {
      const remembered = pending.get(name) ?? {};
      const response = await client.authorizationCodeGrant(configOf(name), new URL(callbackUrl), {
        pkceCodeVerifier: codeVerifier ?? remembered.codeVerifier,
        expectedNonce: nonce ?? remembered.nonce,
        expectedState: state ?? remembered.state,
        idTokenExpected: true,
      });
      return { tokens: tokensOf(response) };
    });
  },

  refresh({ name, refreshToken }) {
    return step(async () => ({
      tokens: tokensOf(await client.refreshTokenGrant(configOf(name), refreshToken)) }));
  },

  userinfo({ name, accessToken, sub }) {
    return step(async () => ({
      userinfo: await client.fetchUserInfo(configOf(name), accessToken, sub) }));
  },

  revoke({ name, token }) {
    return step(async () => {
      await client.tokenRevocation(configOf(name), token);
      return { revoked: true };
    });
  },

  clientCredentials({ name, scope }) {
    return step(async () => ({
      tokens: tokensOf(await client.clientCredentialsGrant(
        configOf(name), scope ? { scope } : {})) }));
  },
});
