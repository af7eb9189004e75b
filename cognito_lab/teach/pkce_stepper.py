"""Step through the authorization code flow with PKCE, one HTTP exchange at a time.

``PkceStepper(lab)`` plays all three parties against the lab: your app (the ``web``
client: it makes the PKCE pair, checks the state, redeems the code), the user's browser
(it follows redirects and fills in the sign-in form) and Cognito's hosted UI. Shown in a
notebook it is a widget: **Next step** runs one step and shows the raw request and
response, numbered like the arrows of the notebook's sequence diagram. ``run_all()`` runs
every step without the widget (for tests and a static record).

Displayed, the stepper is the live widget *and* a static HTML view of it (``static_html()``:
the outline of the steps, and the current one if any), which is what a saved notebook shows
where no widget runs: GitHub, nbviewer, ``jupyter nbconvert --to html``.

``sign_in_link(lab, url)`` is a link to open the hosted UI in *your* browser, through
``lab.public_url`` (jupyter-server-proxy on Binder / JupyterHub).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cognito_lab.api import decode_unverified
from cognito_lab.client import pkce
from cognito_lab.client.browser import Browser
from cognito_lab.client.http_exchange import HttpExchange, masked
from cognito_lab.client.oauth import AuthorizationRequest, CognitoOAuth, TokenResponse

# The steps of the flow: (diagram arrows, title), in order. The static view lists them.
OUTLINE: tuple[tuple[str, str], ...] = (
    ("1", "Your app makes a PKCE pair and a state"),
    ("2–3", "The browser goes to /oauth2/authorize"),
    ("4–5", "The hosted UI shows the sign-in page"),
    ("6–7", "The user signs in"),
    ("8–9", "The app receives the callback and checks the state"),
    ("10–11", "The app redeems the code with the verifier"),
    ("—", "The tokens"),
)


def _heading(arrows: str, title: str) -> str:
    """``Arrows 1 · Your app makes…`` (HTML-escaped), as the widget shows a step's title."""
    label = "" if arrows == "—" else f"Arrows {html.escape(arrows)} · "
    return f"{label}{html.escape(title)}"


@dataclass
class Step:
    """One step of the flow: which diagram arrows it covers, what happened, the HTTP."""

    arrows: str
    title: str
    explanation: str
    exchange: HttpExchange | None = None
    notes: list[str] = field(default_factory=list)

    def _repr_html_(self) -> str:
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        body = self.exchange._repr_html_() if self.exchange else ""
        return (f"<div><b>{_heading(self.arrows, self.title)}</b>"
                f"<p>{html.escape(self.explanation)}</p>"
                f"{f'<ul>{notes}</ul>' if notes else ''}{body}</div>")


class PkceStepper:
    """The authorization code flow with PKCE against ``lab``, one step per call."""

    def __init__(self, lab, *, client: str = "web", user: str = "alice",
                 scope: str = "openid email orders/read") -> None:
        app = lab.app_clients[client]
        self.lab = lab
        self.user = lab.users[user]
        self.scope = scope
        self.oauth = CognitoOAuth(lab.domain_url, app.client_id, app.client_secret,
                                  redirect_uri=app.callback_urls[0])
        self.reset()

    # -- the flow ---------------------------------------------------------------------------
    def reset(self) -> None:
        """Start over: a new browser (no cookies) and a new PKCE pair and state."""
        self.browser = Browser()
        self.request: AuthorizationRequest | None = None
        self.page: HttpExchange | None = None
        self.callback: HttpExchange | None = None
        self.code: str | None = None
        self.tokens: TokenResponse | None = None
        self.done: list[Step] = []

    @property
    def steps(self) -> list[Callable[[], Step]]:
        return [self._make_pkce_pair, self._authorize, self._login_page, self._submit,
                self._callback, self._redeem, self._read_token]

    @property
    def finished(self) -> bool:
        return len(self.done) == len(self.steps)

    def next(self) -> Step:
        """Run the next step and return it."""
        if self.finished:
            raise StopIteration("the flow is complete: reset() to start over")
        step = self.steps[len(self.done)]()
        self.done.append(step)
        return step

    def run_all(self) -> list[Step]:
        while not self.finished:
            self.next()
        return self.done

    def _make_pkce_pair(self) -> Step:
        self.request = self.oauth.begin(self.scope)
        verifier = self.request.code_verifier or ""
        return Step(*OUTLINE[0],
                    "The verifier stays in the app; only its SHA-256 hash, the challenge, "
                    "goes into the sign-in URL, with a fresh random state.",
                    notes=[f"code_verifier: {len(verifier)} random characters (kept secret)",
                           f"code_challenge = BASE64URL(SHA256(verifier)): "
                           f"{len(pkce.s256_challenge(verifier))} characters, sent",
                           "state: 22 random characters, sent, and remembered"])

    def _authorize(self) -> Step:
        assert self.request is not None
        exchange = self.browser.get(self.request.url, "GET /oauth2/authorize")
        return Step(*OUTLINE[1],
                    "Cognito checks the client, the redirect URI (exact match), the scopes "
                    "and the PKCE parameters, finds no session cookie, and sends the browser "
                    "to the sign-in page with the same parameters.", exchange)

    def _login_page(self) -> Step:
        first = self.browser.steps[-1]
        assert first.location is not None
        self.page = self.browser.get(first.location, "GET /login")
        return Step(*OUTLINE[2],
                    "The page sets an XSRF-TOKEN cookie and repeats it in a hidden _csrf "
                    "field: only a form served by Cognito itself can be posted back.",
                    self.page)

    def _submit(self) -> Step:
        assert self.page is not None
        action, fields = self.browser.form(self.page)
        fields.update(username=self.user.username, password=self.user.password)
        self.callback = self.browser.post_form(action, fields, "POST /login")
        return Step(*OUTLINE[3],
                    "Cognito checks the password (through the user pools API), sets its "
                    "one-hour cognito session cookie, and redirects to the app's callback "
                    "URL with a one-time code and the state.", self.callback)

    def _callback(self) -> Step:
        assert self.request is not None and self.callback is not None
        location = self.callback.location or ""
        self.code = self.request.check_callback(location)
        return Step(*OUTLINE[4],
                    "The state is the one this app sent, so this callback answers its own "
                    "request (not one an attacker started). The code is good for one use, "
                    "within five minutes.",
                    notes=[f"callback: {masked(location)}", "state matches ✔"])

    def _redeem(self) -> Step:
        assert self.request is not None and self.code is not None
        self.tokens = self.oauth.exchange_code(self.code,
                                               code_verifier=self.request.code_verifier)
        return Step(*OUTLINE[5],
                    "Cognito hashes the code_verifier and compares it with the challenge "
                    "of step 1: only the app that started the flow can redeem the code.",
                    self.tokens.exchange)

    def _read_token(self) -> Step:
        assert self.tokens is not None
        claims = decode_unverified(self.tokens.access_token).payload
        return Step(*OUTLINE[6],
                    "The access token carries the granted scopes; the ID token (openid was "
                    "requested) tells the app who signed in; the refresh token buys new ones.",
                    notes=[f"access token scope: {claims['scope']}",
                           f"client_id: {claims['client_id']}",
                           f"id token: {'yes' if self.tokens.id_token else 'no'}, "
                           f"refresh token: {'yes' if self.tokens.refresh_token else 'no'}"])

    # -- the widget ---------------------------------------------------------------------------
    def widget(self) -> object:
        import ipywidgets as widgets

        progress = widgets.HTML()
        shown = widgets.HTML()
        forward = widgets.Button(description="Next step ▶", button_style="primary")
        again = widgets.Button(description="Start over")

        def render() -> None:
            total = len(self.steps)
            progress.value = (f"<b>Step {len(self.done)} of {total}</b>" if self.done
                              else f"<b>{total} steps</b>: press Next step")
            shown.value = self.done[-1]._repr_html_() if self.done else ""
            forward.disabled = self.finished

        def on_next(_button: object) -> None:
            if not self.lab.running:
                shown.value = ("<p>❌ The lab is stopped (<code>lab.stop()</code> ran). Run "
                               "the notebook's set-up cell again, then this one.</p>")
                return
            try:
                self.next()
            except Exception as exc:   # shown, never a traceback in the widget
                message = f"{type(exc).__name__}: {exc}"
                shown.value = f"<p>❌ {html.escape(message)}</p>"
                return
            render()

        def on_again(_button: object) -> None:
            self.reset()
            render()

        forward.on_click(on_next)
        again.on_click(on_again)
        render()
        return widgets.VBox([widgets.HBox([forward, again, progress]), shown])

    # -- the static view (what a saved notebook shows where no widget runs) -----------------
    def static_html(self) -> str:
        """The stepper as static HTML: the outline of the flow, and the current step if any.

        Deterministic for a stepper that has not run (it names no port, code or state), so a
        notebook's stored output stays the same from run to run.
        """
        total = len(self.steps)
        status = (f"Step {len(self.done)} of {total}" if self.done
                  else f"{total} steps")
        items = "".join(
            f"<li>{_heading(arrows, title)}{' ✔' if number < len(self.done) else ''}</li>"
            for number, (arrows, title) in enumerate(OUTLINE))
        current = self.done[-1]._repr_html_() if self.done else ""
        return (f"<div class='cl-pkce-stepper'><p><b>PKCE stepper · {status}</b>: the "
                f"authorization code flow with PKCE, signing in as "
                f"{html.escape(self.user.username)}. In a running notebook this is a widget: "
                f"<b>Next step ▶</b> runs one step and shows its HTTP request and "
                f"response.</p><ol>{items}</ol>{current}</div>")

    def __repr__(self) -> str:
        return (f"<PkceStepper {self.user.username}: {len(self.done)} of {len(self.steps)} "
                f"steps done>")

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        # A new live widget where a widget manager runs; elsewhere (GitHub, nbviewer, static
        # HTML: widget state is not saved) the static view instead of "VBox(children=…)".
        widget: Any = self.widget()
        data = dict(widget._repr_mimebundle_(**kwargs) or {})
        data["text/plain"] = repr(self)
        data["text/html"] = self.static_html()
        return data


def sign_in_link(lab, url: str, text: str = "Open the hosted UI sign-in page") -> object:
    """A link to ``url`` that *your* browser can follow (through ``lab.public_url``)."""
    from IPython.display import HTML

    public = url.replace(lab.domain_url, lab.public_url, 1)
    return HTML(f'<a href="{html.escape(public)}" target="_blank" rel="noopener">'
                f"{html.escape(text)}</a>")
