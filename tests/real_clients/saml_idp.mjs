#!/usr/bin/env node
// A corporate SAML 2.0 identity provider nobody here wrote: samlify (npm) as an
// IdentityProvider, on 127.0.0.1, set up for a user pool as AWS tells an administrator to
// set up theirs ("Using SAML identity providers with a user pool", "Things to know about
// SAML IdPs in Amazon Cognito user pools", "Configuring your third-party SAML identity
// provider"):
//   - the service provider is the user pool: entity ID (Audience) urn:amazon:cognito:sp:
//     <user pool id>, assertion consumer service <user pool domain>/saml2/idpresponse with
//     the HTTP-POST binding; AuthnRequests are not signed (the pool's default);
//   - GET /metadata: the IdP's metadata (entity ID, signing certificate, the SSO endpoint
//     with the HTTP-Redirect binding);
//   - GET /sso?SAMLRequest=…&RelayState=…: samlify parses the AuthnRequest (inflated,
//     schema-validated by @authenio/samlify-node-xmllint, no Java and no native build) and
//     the IdP checks it comes from the user pool; then a sign-in form;
//   - POST /sso/login: the password checked, a signed Response (NameID persistent = the
//     account's id; attributes email and name; an AuthnStatement, which the Web Browser SSO
//     profile requires) goes back in an auto-submitting form to the ACS URL with the
//     RelayState unchanged. What is signed is the step "signing": "both" (the Response and
//     its Assertion, as Okta signs by default), "assertion" or "response".
//
// Protocol: steps.mjs. Scenario ("start"): {spEntityId, acsUrl, keyPem, certPem,
// account: {sub, username, password, email, name}}; the answer, on stdout, is {entityId,
// metadataUrl, ssoUrl, metadata, port, version}. Step "signing" {mode}; step "events": each
// AuthnRequest seen ({id, issuer, destination, acsUrl, relayState} or {error}) and each
// Response sent ({xml, relayState}).
// The server stops when the test closes stdin.
import { serveSteps, versionOf } from "./steps.mjs";      // first: console to stderr

import { randomUUID } from "node:crypto";
import { createServer } from "node:http";

import * as xmllint from "@authenio/samlify-node-xmllint";
import samlify from "samlify";

const POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
const REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
const PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
const URI_FORMAT = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri";
const EMAIL = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress";
const NAME = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name";
const VALIDITY_MS = 5 * 60 * 1000;

// samlify's login response template, with the AuthnStatement its default leaves out.
const AUTHN_STATEMENT = '<saml:AuthnStatement AuthnInstant="{IssueInstant}" '
  + 'SessionIndex="{AssertionID}"><saml:AuthnContext><saml:AuthnContextClassRef>'
  + "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
  + "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>";
const RESPONSE_TEMPLATE = samlify.SamlLib.defaultLoginResponseTemplate.context
  .replace("{AuthnStatement}", AUTHN_STATEMENT);

const events = [];
let sp = null;                    // the user pool, as this IdP knows it
const pending = new Map();        // sign-in ticket -> {request, relayState}
const validationErrors = [];

// samlify's schema check, keeping xmllint's complaint for the test to read.
samlify.setSchemaValidator({
  validate: (xml) => xmllint.validate(xml).catch((err) => {
    validationErrors.push(String(err));
    throw err;
  }),
});

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function html(res, status, body) {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  res.end(`<!doctype html><html><head><title>Corp SAML sign-in</title></head><body>${body}`
          + "</body></html>");
}

function loginForm(ticket, message) {
  return `<h1>Corp SAML sign-in</h1>${message ? `<p role="alert">${escapeHtml(message)}</p>` : ""}
<form method="post" action="/sso/login"><input type="hidden" name="ticket" value="${escapeHtml(ticket)}">
<label>Username <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password"></label>
<button>Sign in</button></form>`;
}

// The HTTP-POST binding (SAML Bindings 3.5.4): a form the browser submits at once.
function autoPost(action, fields) {
  const inputs = Object.entries(fields)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join("");
  return `<form method="post" action="${escapeHtml(action)}">${inputs}
<noscript><button>Continue</button></noscript></form>
<script>document.forms[0].submit()</script>`;
}

function formOf(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(new URLSearchParams(Buffer.concat(chunks).toString("utf8"))));
    req.on("error", reject);
  });
}

function serviceProvider({ spEntityId, acsUrl }, mode) {
  return samlify.ServiceProvider({
    entityID: spEntityId,
    assertionConsumerService: [{ Binding: POST, Location: acsUrl }],
    authnRequestsSigned: false,
    wantAssertionsSigned: mode !== "response",
    wantMessageSigned: mode !== "assertion",
  });
}

async function start(scenario) {
  const { keyPem, certPem, account } = scenario;
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  const base = `http://127.0.0.1:${port}`;
  const idp = samlify.IdentityProvider({
    entityID: `${base}/metadata`,
    privateKey: keyPem,
    signingCert: certPem,
    nameIDFormat: [PERSISTENT],
    singleSignOnService: [{ Binding: REDIRECT, Location: `${base}/sso` }],
    wantAuthnRequestsSigned: false,
    loginResponseTemplate: {
      context: RESPONSE_TEMPLATE,
      attributes: [
        { name: EMAIL, valueTag: "email", nameFormat: URI_FORMAT, valueXsiType: "xs:string" },
        { name: NAME, valueTag: "name", nameFormat: URI_FORMAT, valueXsiType: "xs:string" },
      ],
    },
  });
  sp = serviceProvider(scenario, "both");

  function signedResponse(request) {
    return (template) => {
      const now = new Date();
      const later = new Date(now.getTime() + VALIDITY_MS).toISOString();
      const id = `_${randomUUID()}`;
      const context = samlify.SamlLib.replaceTagsByValue(template, {
        ID: id, AssertionID: `_${randomUUID()}`, Destination: scenario.acsUrl,
        Audience: scenario.spEntityId, SubjectRecipient: scenario.acsUrl,
        Issuer: idp.entityMeta.getEntityID(), IssueInstant: now.toISOString(),
        StatusCode: "urn:oasis:names:tc:SAML:2.0:status:Success",
        ConditionsNotBefore: now.toISOString(), ConditionsNotOnOrAfter: later,
        SubjectConfirmationDataNotOnOrAfter: later, NameIDFormat: PERSISTENT,
        NameID: account.sub, InResponseTo: request.extract.request.id,
        attrEmail: account.email, attrName: account.name,
      });
      return { id, context };
    };
  }

  async function sso(url, res) {
    const query = Object.fromEntries(url.searchParams);
    let request;
    try {
      request = await idp.parseLoginRequest(sp, "redirect", { query });
    } catch (err) {
      const error = `${err?.message ?? err} ${validationErrors.splice(0).join(" ")}`.trim();
      events.push({ type: "AuthnRequest", error });
      return html(res, 400, `<p role="alert">Bad SAML request: ${escapeHtml(error)}</p>`);
    }
    const { id, issuer, request: fields } = request.extract;
    events.push({ type: "AuthnRequest", id: fields?.id ?? id, issuer,
                  destination: fields?.destination ?? null,
                  acsUrl: fields?.assertionConsumerServiceUrl ?? null,
                  relayState: query.RelayState ?? null });
    if (issuer !== scenario.spEntityId) {
      return html(res, 400, `<p role="alert">Unknown service provider ${escapeHtml(issuer)}</p>`);
    }
    const ticket = randomUUID();
    pending.set(ticket, { request, relayState: query.RelayState });
    return html(res, 200, loginForm(ticket));
  }

  async function login(req, res) {
    const form = await formOf(req);
    const ticket = form.get("ticket");
    const waiting = pending.get(ticket);
    if (!waiting) return html(res, 400, '<p role="alert">No sign-in in progress.</p>');
    if (form.get("username") !== account.username || form.get("password") !== account.password) {
      return html(res, 200, loginForm(ticket, "Wrong username or password."));
    }
    pending.delete(ticket);
    const made = await idp.createLoginResponse(sp, waiting.request, "post", {}, {
      customTagReplacement: signedResponse(waiting.request), relayState: waiting.relayState });
    events.push({ type: "Response", relayState: waiting.relayState ?? null,
                  xml: Buffer.from(made.context, "base64").toString("utf8") });
    return html(res, 200, autoPost(made.entityEndpoint,
                                   { SAMLResponse: made.context, RelayState: made.relayState }));
  }

  server.on("request", (req, res) => {
    const url = new URL(req.url, base);
    let answer;
    if (req.method === "GET" && url.pathname === "/metadata") {
      res.writeHead(200, { "content-type": "application/samlmetadata+xml" });
      answer = res.end(idp.getMetadata());
    } else if (req.method === "GET" && url.pathname === "/sso") {
      answer = sso(url, res);
    } else if (req.method === "POST" && url.pathname === "/sso/login") {
      answer = login(req, res);
    } else {
      answer = html(res, 404, "<p>Not found</p>");
    }
    Promise.resolve(answer).catch((err) => {
      if (!res.headersSent) html(res, 500, escapeHtml(err?.message ?? err));
    });
  });

  return { entityId: idp.entityMeta.getEntityID(), metadataUrl: `${base}/metadata`,
           ssoUrl: `${base}/sso`, metadata: idp.getMetadata(), port,
           version: versionOf("samlify") };
}

serveSteps({
  start,
  signing: ({ mode }, scenario) => {
    if (!["both", "assertion", "response"].includes(mode)) throw new Error(`no mode ${mode}`);
    sp = serviceProvider(scenario, mode);
    return { mode };
  },
  events: () => ({ events }),
});
