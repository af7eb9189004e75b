#!/usr/bin/env node
// Drive Amplify JS v6's Auth category (aws-amplify) against the lab, step by step.
//
// Protocol: steps.mjs. Scenario ("start"): {userPoolId, clientId, endpoint}, configured as
//   Amplify.configure({Auth: {Cognito: {userPoolId, userPoolClientId, userPoolEndpoint}}})
// Node has no localStorage: the token provider gets an in-memory KeyValueStorage, as a
// server-side or test app gives it.
//
// Amplify swallows some service errors on purpose (signOut always "succeeds" and clears
// the local tokens), so every request it sends to the lab is recorded — its X-Amz-Target
// operation, AuthFlow/ChallengeName, and the HTTP status and error type of the answer —
// and returned with the step as `calls`.
import { webcrypto } from "node:crypto";

import { onlyTo, serveSteps, versionOf } from "./steps.mjs";

if (!globalThis.crypto) globalThis.crypto = webcrypto;

let calls = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init = {}) => {
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : {}));
  const target = headers.get("x-amz-target");
  let body = null;
  try { body = typeof init.body === "string" ? JSON.parse(init.body) : null; } catch { /* not JSON */ }
  const response = await realFetch(input, init);
  if (target) {
    const call = { operation: target.split(".").pop(), status: response.status };
    if (body?.AuthFlow) call.authFlow = body.AuthFlow;
    if (body?.ChallengeName) call.challenge = body.ChallengeName;
    if (body?.AuthParameters) call.authParameters = Object.keys(body.AuthParameters).sort();
    if (!response.ok) call.error = (response.headers.get("x-amzn-errortype") ?? "").split(":")[0];
    calls.push(call);
  }
  return response;
};

// Imported after fetch is wrapped, so Amplify's HTTP goes through the recorder.
const { Amplify } = await import("aws-amplify");
const auth = await import("aws-amplify/auth");
const { cognitoUserPoolsTokenProvider } = await import("aws-amplify/auth/cognito");

class MemoryKeyValueStorage {
  constructor() { this.items = new Map(); }
  async setItem(key, value) { this.items.set(key, value); }
  async getItem(key) { return this.items.has(key) ? this.items.get(key) : null; }
  async removeItem(key) { this.items.delete(key); }
  async clear() { this.items.clear(); }
}

function tokensOf(session) {
  const tokens = session.tokens;
  if (!tokens) return null;
  return { accessToken: tokens.accessToken?.toString() ?? null,
           idToken: tokens.idToken?.toString() ?? null };
}

async function withCalls(work) {
  calls = [];
  const result = (await work()) ?? {};
  return { ...result, calls };
}

serveSteps({
  start({ userPoolId, clientId, endpoint }) {
    onlyTo(endpoint);
    Amplify.configure({
      Auth: { Cognito: { userPoolId, userPoolClientId: clientId, userPoolEndpoint: endpoint } },
    });
    cognitoUserPoolsTokenProvider.setKeyValueStorage(new MemoryKeyValueStorage());
    return { version: versionOf("aws-amplify"), auth: versionOf("@aws-amplify/auth") };
  },

  signIn({ username, password, authFlowType }) {
    return withCalls(async () => {
      const options = authFlowType ? { authFlowType } : undefined;
      const { isSignedIn, nextStep } = await auth.signIn({ username, password, options });
      return { isSignedIn, nextStep: nextStep.signInStep };
    });
  },

  confirmSignIn({ challengeResponse }) {
    return withCalls(async () => {
      const { isSignedIn, nextStep } = await auth.confirmSignIn({ challengeResponse });
      return { isSignedIn, nextStep: nextStep.signInStep };
    });
  },

  session({ forceRefresh }) {
    return withCalls(async () => {
      const session = await auth.fetchAuthSession({ forceRefresh: !!forceRefresh });
      return { tokens: tokensOf(session), userSub: session.userSub ?? null };
    });
  },

  currentUser() {
    return withCalls(async () => {
      const { username, userId, signInDetails } = await auth.getCurrentUser();
      return { username, userId, loginId: signInDetails?.loginId ?? null,
               authFlowType: signInDetails?.authFlowType ?? null };
    });
  },

  fetchUserAttributes() {
    return withCalls(async () => ({ attributes: await auth.fetchUserAttributes() }));
  },

  updateUserAttributes({ userAttributes }) {
    return withCalls(async () => {
      const output = await auth.updateUserAttributes({ userAttributes });
      return { updated: Object.fromEntries(Object.entries(output).map(
        ([name, { isUpdated, nextStep }]) => [name, { isUpdated,
                                                      step: nextStep.updateAttributeStep }])) };
    });
  },

  signUp({ username, password, userAttributes }) {
    return withCalls(async () => {
      const { isSignUpComplete, userId, nextStep } = await auth.signUp({
        username, password, options: { userAttributes } });
      return { isSignUpComplete, userId: userId ?? null, nextStep: nextStep.signUpStep,
               delivery: nextStep.codeDeliveryDetails ?? null };
    });
  },

  confirmSignUp({ username, confirmationCode }) {
    return withCalls(async () => {
      const { isSignUpComplete, nextStep } = await auth.confirmSignUp({ username, confirmationCode });
      return { isSignUpComplete, nextStep: nextStep.signUpStep };
    });
  },

  resetPassword({ username }) {
    return withCalls(async () => {
      const { isPasswordReset, nextStep } = await auth.resetPassword({ username });
      return { isPasswordReset, nextStep: nextStep.resetPasswordStep,
               delivery: nextStep.codeDeliveryDetails ?? null };
    });
  },

  confirmResetPassword({ username, confirmationCode, newPassword }) {
    return withCalls(async () => {
      await auth.confirmResetPassword({ username, confirmationCode, newPassword });
      return {};
    });
  },

  updatePassword({ oldPassword, newPassword }) {
    return withCalls(async () => {
      await auth.updatePassword({ oldPassword, newPassword });
      return {};
    });
  },

  setUpTOTP() {
    return withCalls(async () => {
      const details = await auth.setUpTOTP();
      return { sharedSecret: details.sharedSecret,
               setupUri: details.getSetupUri("cognito-lab").href };
    });
  },

  verifyTOTPSetup({ code }) {
    return withCalls(async () => {
      await auth.verifyTOTPSetup({ code });
      return {};
    });
  },

  updateMFAPreference({ totp }) {
    return withCalls(async () => {
      await auth.updateMFAPreference({ totp });
      return {};
    });
  },

  fetchMFAPreference() {
    return withCalls(async () => {
      const { enabled, preferred } = await auth.fetchMFAPreference();
      return { enabled: enabled ?? [], preferred: preferred ?? null };
    });
  },

  signOut({ global }) {
    return withCalls(async () => {
      await auth.signOut({ global: !!global });
      return {};
    });
  },
});
