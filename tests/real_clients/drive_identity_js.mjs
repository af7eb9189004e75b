#!/usr/bin/env node
// Drive amazon-cognito-identity-js (the SDK under Amplify v5) against the lab, step by step.
//
// Protocol: steps.mjs. Scenario ("start"): {userPoolId, clientId, endpoint}; the pool is
// pointed at the lab with CognitoUserPool's `endpoint` option. Each step names a user
// (`username`); the step's CognitoUser object lives on between steps, as in an app.
// Tokens come back as {idToken, accessToken, refreshToken}; refusals as the error's
// `code` (the service's exception name, which the SDK copies from the response).
import identity from "amazon-cognito-identity-js";
import { webcrypto } from "node:crypto";

import { nodeCallback, onlyTo, serveSteps, versionOf } from "./steps.mjs";

// The SDK draws SRP's random "a" from global crypto (node 20 has it; older nodes do not).
if (!globalThis.crypto) globalThis.crypto = webcrypto;

const {
  AuthenticationDetails, CognitoRefreshToken, CognitoUser, CognitoUserAttribute,
  CognitoUserPool, CognitoUserSession, CognitoAccessToken, CognitoIdToken,
} = identity;

class MemoryStorage {
  constructor() { this.items = new Map(); }
  setItem(key, value) { this.items.set(key, String(value)); }
  getItem(key) { return this.items.has(key) ? this.items.get(key) : null; }
  removeItem(key) { this.items.delete(key); }
  clear() { this.items.clear(); }
}

// refreshSession() retries any refusal with jittered exponential backoff (about 6 s in all
// before it gives up). Refused refreshes are what several tests check, so during a refresh
// the driver lets those waits pass at once: the same requests, in the same order.
async function withoutBackoff(work) {
  const realSetTimeout = globalThis.setTimeout;
  globalThis.setTimeout = (fn, ms, ...rest) => realSetTimeout(fn, ms >= 100 ? 0 : ms, ...rest);
  try {
    return await work();
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
}

let pool = null;
const storage = new MemoryStorage();     // the app's store (localStorage in a browser)
const users = new Map();

function userFor(username) {
  if (!users.has(username)) {
    users.set(username, new CognitoUser({ Username: username, Pool: pool, Storage: storage }));
  }
  return users.get(username);
}

function tokensOf(session) {
  return { idToken: session.getIdToken().getJwtToken(),
           accessToken: session.getAccessToken().getJwtToken(),
           refreshToken: session.getRefreshToken().getToken() };
}

// authenticateUser / sendMFACode callbacks: a session, or the challenge the SDK stopped at.
function signInCallbacks(resolve, reject) {
  const challenge = (name) => (params) => resolve({ challenge: name, params: params ?? {} });
  return {
    onSuccess: (session) => resolve({ tokens: tokensOf(session) }),
    onFailure: reject,
    totpRequired: (challengeName) => resolve({ challenge: challengeName }),
    mfaRequired: (challengeName) => resolve({ challenge: challengeName }),
    mfaSetup: (challengeName) => resolve({ challenge: challengeName }),
    selectMFAType: (challengeName) => resolve({ challenge: challengeName }),
    newPasswordRequired: challenge("NEW_PASSWORD_REQUIRED"),
    customChallenge: challenge("CUSTOM_CHALLENGE"),
  };
}

serveSteps({
  start({ userPoolId, clientId, endpoint }) {
    onlyTo(endpoint);
    pool = new CognitoUserPool({ UserPoolId: userPoolId, ClientId: clientId, endpoint,
                                 Storage: storage });
    return { version: versionOf("amazon-cognito-identity-js") };
  },

  signIn({ username, password }) {
    const user = userFor(username);
    const details = new AuthenticationDetails({ Username: username, Password: password });
    return new Promise((resolve, reject) => {
      user.authenticateUser(details, signInCallbacks(resolve, reject));
    });
  },

  sendMFACode({ username, code, mfaType }) {
    const user = userFor(username);
    return new Promise((resolve, reject) => {
      user.sendMFACode(code, signInCallbacks(resolve, reject), mfaType);
    });
  },

  async signUp({ username, password, attributes }) {
    const list = Object.entries(attributes ?? {}).map(
      ([Name, Value]) => new CognitoUserAttribute({ Name, Value }));
    const result = await nodeCallback((cb) => pool.signUp(username, password, list, null, cb));
    return { userConfirmed: result.userConfirmed, userSub: result.userSub,
             delivery: result.codeDeliveryDetails ?? null };
  },

  async confirmRegistration({ username, code }) {
    return { answer: await nodeCallback((cb) => userFor(username).confirmRegistration(code, true, cb)) };
  },

  async session({ username }) {
    // getSession(): the cached session from the app's store, refreshed if it expired.
    const session = await nodeCallback((cb) => userFor(username).getSession(cb));
    return { valid: session.isValid(), tokens: tokensOf(session) };
  },

  async refresh({ username }) {
    const user = userFor(username);
    const refreshToken = user.getSignInUserSession().getRefreshToken();
    const session = await withoutBackoff(
      () => nodeCallback((cb) => user.refreshSession(refreshToken, cb)));
    return { tokens: tokensOf(session) };
  },

  async refreshWith({ username, refreshToken }) {
    // Another device holding only a refresh token: a CognitoUser of its own.
    const other = new CognitoUser({ Username: username, Pool: pool, Storage: new MemoryStorage() });
    const token = new CognitoRefreshToken({ RefreshToken: refreshToken });
    const session = await withoutBackoff(
      () => nodeCallback((cb) => other.refreshSession(token, cb)));
    return { tokens: tokensOf(session) };
  },

  async getUser({ username, tokens }) {
    // With `tokens`: a CognitoUser that holds exactly those (e.g. from before a sign-out).
    let user = userFor(username);
    if (tokens) {
      user = new CognitoUser({ Username: username, Pool: pool, Storage: new MemoryStorage() });
      user.setSignInUserSession(new CognitoUserSession({
        IdToken: new CognitoIdToken({ IdToken: tokens.idToken }),
        AccessToken: new CognitoAccessToken({ AccessToken: tokens.accessToken }),
        RefreshToken: new CognitoRefreshToken({ RefreshToken: tokens.refreshToken }),
      }));
    }
    const data = await nodeCallback((cb) => user.getUserData(cb, { bypassCache: true }));
    const attributes = Object.fromEntries(
      (data.UserAttributes ?? []).map(({ Name, Value }) => [Name, Value]));
    return { username: data.Username, attributes, mfa: data.UserMFASettingList ?? [],
             preferredMfa: data.PreferredMfaSetting ?? null };
  },

  async changePassword({ username, oldPassword, newPassword }) {
    const answer = await nodeCallback(
      (cb) => userFor(username).changePassword(oldPassword, newPassword, cb));
    return { answer };
  },

  forgotPassword({ username }) {
    return new Promise((resolve, reject) => {
      userFor(username).forgotPassword({
        onSuccess: (data) => resolve({ delivery: data?.CodeDeliveryDetails ?? null }),
        onFailure: reject,
        inputVerificationCode: (data) => resolve({ delivery: data?.CodeDeliveryDetails ?? null }),
      });
    });
  },

  confirmPassword({ username, code, newPassword }) {
    return new Promise((resolve, reject) => {
      userFor(username).confirmPassword(code, newPassword, {
        onSuccess: (answer) => resolve({ answer }), onFailure: reject });
    });
  },

  associateSoftwareToken({ username }) {
    return new Promise((resolve, reject) => {
      userFor(username).associateSoftwareToken({
        associateSecretCode: (secret) => resolve({ secret }), onFailure: reject });
    });
  },

  verifySoftwareToken({ username, code, friendlyName }) {
    return new Promise((resolve, reject) => {
      userFor(username).verifySoftwareToken(code, friendlyName ?? "lab phone", {
        onSuccess: (answer) => resolve({ answer: answer?.Status ?? answer }),
        onFailure: reject });
    });
  },

  async preferTotp({ username }) {
    const answer = await nodeCallback((cb) => userFor(username).setUserMfaPreference(
      null, { PreferredMfa: true, Enabled: true }, cb));
    return { answer };
  },

  globalSignOut({ username }) {
    return new Promise((resolve, reject) => {
      userFor(username).globalSignOut({ onSuccess: (answer) => resolve({ answer }),
                                        onFailure: reject });
    });
  },
});
