// Managed login's passkey step: hand the user pool's options to the browser's WebAuthn API
// and post the answer back as JSON (W3C WebAuthn Level 3, RegistrationResponseJSON and
// AuthenticationResponseJSON). The server verifies it through the user pools API
// (CompleteWebAuthnRegistration / RespondToAuthChallenge); this script decides nothing.
(function () {
  "use strict";
  var form = document.getElementById("passkey-form");
  var button = document.getElementById("passkey-button");
  var problem = document.getElementById("passkey-problem");
  var field = document.getElementById("credential");
  var mode = form.dataset.mode;                    // "create" (register) or "get" (sign in)
  var options = JSON.parse(form.dataset.options);

  function bytes(text) {                           // base64url -> ArrayBuffer
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var raw = atob(b64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out.buffer;
  }

  function text(buffer) {                          // ArrayBuffer -> base64url
    var view = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < view.length; i++) { raw += String.fromCharCode(view[i]); }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (c) {
      return Object.assign({}, c, { id: bytes(c.id) });
    });
  }

  function creationOptions(o) {
    return Object.assign({}, o, {
      challenge: bytes(o.challenge),
      user: Object.assign({}, o.user, { id: bytes(o.user.id) }),
      excludeCredentials: descriptors(o.excludeCredentials)
    });
  }

  function requestOptions(o) {
    return Object.assign({}, o, {
      challenge: bytes(o.challenge),
      allowCredentials: descriptors(o.allowCredentials)
    });
  }

  function common(credential) {
    return {
      id: credential.id,
      rawId: text(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults
        ? credential.getClientExtensionResults() : {}
    };
  }

  function registrationJSON(credential) {
    var r = credential.response;
    var json = common(credential);
    json.response = {
      clientDataJSON: text(r.clientDataJSON),
      attestationObject: text(r.attestationObject),
      transports: r.getTransports ? r.getTransports() : []
    };
    return json;
  }

  function authenticationJSON(credential) {
    var r = credential.response;
    var json = common(credential);
    json.response = {
      clientDataJSON: text(r.clientDataJSON),
      authenticatorData: text(r.authenticatorData),
      signature: text(r.signature),
      userHandle: r.userHandle ? text(r.userHandle) : undefined
    };
    return json;
  }

  function show(message) {
    problem.textContent = message;
    problem.hidden = false;
    button.disabled = false;
  }

  function ceremony() {
    if (!window.PublicKeyCredential || !navigator.credentials) {
      show("This browser cannot use passkeys here (WebAuthn needs https or localhost).");
      return;
    }
    button.disabled = true;
    problem.hidden = true;
    var asked = mode === "create"
      ? navigator.credentials.create({ publicKey: creationOptions(options) })
          .then(registrationJSON)
      : navigator.credentials.get({ publicKey: requestOptions(options) })
          .then(authenticationJSON);
    asked.then(function (json) {
      field.value = JSON.stringify(json);
      form.submit();
    }, function (error) {
      show("Your device did not make a passkey answer (" + error.name + "). Try again.");
    });
  }

  button.addEventListener("click", ceremony);
  if (mode === "get") { ceremony(); }              // the user already chose their passkey
})();
