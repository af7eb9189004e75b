"""The notebooks run in a real JupyterLab in Chromium, and what a learner sees is right.

Each case runs one notebook from the Run menu (outputs stripped first, so every output is
from this run), then calls its ``interact(page, kernel)`` to look at the page and, for
widget notebooks, click, paste and check. Widget notebooks (``widgets=True``) run every
cell but the last (``lab.stop()``) first, so the lab behind the widgets is still up; the
test runs the last cell after ``interact`` and then calls ``stopped(page)``, if any.
``kernel(expression, code=...)`` evaluates Python in the notebook's kernel (see
``jupyterlab.kernel_eval``): how a test gets a fresh token to paste.

A screenshot per notebook lands in test-artifacts/screenshots/: for widget notebooks, the
widgets as the test left them. To add a notebook: write ``interact`` and append a ``Case``.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from playwright.sync_api import Expect

from .jupyterlab import (
    NOTEBOOK,
    error_outputs,
    kernel_eval,
    run_last_cell,
    run_notebook,
    screenshot,
)

# A widget answers through the kernel; on a loaded 2-core machine that can take seconds.
# (This module's own ``expect``: Playwright's global one keeps its default for others.)
expect = Expect()
expect.set_options(timeout=30_000)


@dataclass(frozen=True)
class Case:
    notebook: str
    interact: Callable            # (page, kernel) -> None: asserts after the cells ran
    widgets: bool = False         # keep the lab up for interact: the last cell runs after it
    prepare: Callable | None = None  # (page) -> None: before any cell runs
    stopped: Callable | None = None  # (page) -> None: asserts after the last cell ran


def output(page, text: str):
    """The outputs of the open notebook that contain ``text``."""
    return page.locator(f"{NOTEBOOK} .jp-OutputArea-output", has_text=text)


# -- 00: the lab's map, an exercise, a diagram ----------------------------------------------
def start_here(page, _kernel) -> None:
    # The lab's map: its HTML table, rendered as a table.
    row = page.locator(f"{NOTEBOOK} .jp-OutputArea-output table th", has_text="lab.user_pool_id")
    assert row.count() == 1 and row.is_visible()
    # The exercise: ❌ on the untouched skeleton, ✅ from the solution.
    assert output(page, "❌ Not done yet").count() == 1
    solved = output(page, "✅ Right: AWS serves the keys at")
    assert solved.count() == 1 and solved.is_visible()
    # The Mermaid diagram rendered as an SVG picture, with the parties in it.
    diagram = page.locator(f"{NOTEBOOK} .jp-RenderedMermaid img[src^='data:image/svg+xml']")
    assert diagram.count() == 1 and diagram.is_visible()
    assert diagram.bounding_box()["height"] > 50
    svg = unquote(diagram.get_attribute("src"))
    assert "<svg" in svg and "Local Cognito" in svg and "Your API" in svg


# -- 04: the PKCE stepper --------------------------------------------------------------------
# The stepper (cognito_lab/teach/pkce_stepper.py) has no CSS classes of its own: it is found
# by its "Next step" button, and its parts by ipywidgets' classes (VBox[HBox[next, start
# over, progress], step]).
def stepper(page):
    widget = page.locator(f"{NOTEBOOK} .jp-OutputArea-output .widget-vbox").filter(
        has=page.get_by_role("button", name="Next step"))
    expect(widget).to_have_count(1)
    return widget


def progress(widget):
    return widget.locator(".widget-hbox .widget-html-content")


def shown_step(widget):
    return widget.locator(":scope > .widget-html .widget-html-content")


def exchange(widget) -> str:
    """The raw HTTP exchange the current step shows."""
    return shown_step(widget).locator("pre").inner_text()


# What each step shows: its heading, then patterns its text (notes or HTTP) must match.
HTTP_REQUEST = r"(?m)^{method} http://127\.0\.0\.1:\d+{path}"
PKCE_STEPS = [
    ("Arrows 1 · Your app makes a PKCE pair and a state",
     [r"code_verifier: 64 random characters", r"code_challenge = BASE64URL\(SHA256\(verifier\)\)"
      r": 43 characters", r"state: 22 random characters"]),
    ("Arrows 2–3 · The browser goes to /oauth2/authorize",
     [HTTP_REQUEST.format(method="GET", path=r"/oauth2/authorize\?response_type=code&"),
      r"code_challenge_method=S256", r"(?m)^HTTP 302$", r"(?m)^Location: \.\./login\?"]),
    ("Arrows 4–5 · The hosted UI shows the sign-in page",
     [HTTP_REQUEST.format(method="GET", path=r"/login\?"), r"(?m)^HTTP 200$",
      r"(?m)^Set-Cookie: XSRF-TOKEN=", r"“Sign in”"]),
    ("Arrows 6–7 · The user signs in",
     [HTTP_REQUEST.format(method="POST", path=r"/login\?"), r"password=•••",
      r"(?m)^HTTP 302$", r"(?m)^Location: http://localhost:3000/callback\?code=",
      r"(?m)^Set-Cookie: cognito="]),
    ("Arrows 8–9 · The app receives the callback and checks the state",
     [r"callback: http://localhost:3000/callback\?code=", r"state matches ✔"]),
    ("Arrows 10–11 · The app redeems the code with the verifier",
     [HTTP_REQUEST.format(method="POST", path=r"/oauth2/token$"),
      r"grant_type=authorization_code&code=", r"code_verifier=‹64 chars›", r"(?m)^HTTP 200$",
      r'"token_type": "Bearer"', r'"refresh_token": "‹\d+ chars›"']),
    ("The tokens",
     [r"access token scope: openid email orders/read", r"id token: yes, refresh token: yes"]),
]


def query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def next_step(widget, number: int) -> str:
    """Press Next step, check the step it shows; return the step's text."""
    widget.get_by_role("button", name="Next step").click()
    heading, patterns = PKCE_STEPS[number - 1]
    expect(progress(widget)).to_have_text(f"Step {number} of {len(PKCE_STEPS)}")
    expect(shown_step(widget).locator("b").first).to_have_text(heading)
    text = shown_step(widget).inner_text()
    for pattern in patterns:
        assert re.search(pattern, text), (number, pattern, text)
    return text


def click_through_the_flow(page, _kernel) -> None:
    widget = stepper(page)
    forward = widget.get_by_role("button", name="Next step")
    expect(progress(widget)).to_have_text("7 steps: press Next step")
    expect(shown_step(widget)).to_have_text("")
    expect(forward).to_be_enabled()

    for number in range(1, len(PKCE_STEPS) + 1):
        next_step(widget, number)
        if number == 2:
            authorize = exchange(widget)
            state = query(authorize.splitlines()[0].split(" ", 1)[1])["state"]
            login_location = re.search(r"(?m)^Location: (.*)$", authorize).group(1)
            assert query(login_location)["state"] == state   # the same parameters, to /login
        if number == 4:
            callback = re.search(r"(?m)^Location: (.*)$", exchange(widget)).group(1)
            assert query(callback)["state"] == state         # Cognito sends the state back
            code = query(callback)["code"]
        if number == 6:
            body = exchange(widget).split("\n\n")[1]
            assert query("?" + body)["code"] == code          # the code from the callback
    expect(forward).to_be_disabled()                         # the flow is complete

    # Back to the start: a new flow, with a new browser, PKCE pair and state.
    widget.get_by_role("button", name="Start over").click()
    expect(progress(widget)).to_have_text("7 steps: press Next step")
    expect(shown_step(widget)).to_have_text("")
    expect(forward).to_be_enabled()
    next_step(widget, 1)
    next_step(widget, 2)
    again = query(exchange(widget).splitlines()[0].split(" ", 1)[1])
    assert again["state"] != state and again["code_challenge"]
    # No cognito cookie in the new browser: Cognito asks for the password again.
    assert "Cookie:" not in exchange(widget)
    widget.scroll_into_view_if_needed()


def stepper_after_stop(page) -> None:
    """With the lab stopped, Next step says so in the widget (no traceback)."""
    widget = stepper(page)
    widget.get_by_role("button", name="Next step").click()
    expect(shown_step(widget)).to_contain_text("❌ The lab is stopped (lab.stop() ran)")
    expect(progress(widget)).to_have_text("Step 2 of 7")


# -- 06: the token inspector ---------------------------------------------------------------
SIGN_IN = """
from cognito_lab.client import secret_hash as _secret_hash

def _browser_test_sign_in():
    client, user = lab.app_clients["server"], lab.users["alice"]
    return lab.client("cognito-idp").initiate_auth(
        ClientId=client.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password,
                        "SECRET_HASH": _secret_hash(user.username, client.client_id,
                                                    client.client_secret)},
    )["AuthenticationResult"]
"""


def b64url(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def utc(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def paste(page, box, text: str) -> None:
    """Select everything in ``box`` and paste ``text`` over it, through the clipboard."""
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    box.click()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.press("ControlOrMeta+V")
    expect(box).to_have_value(text)


def claim(view, name: str):
    return view.locator(f"tr.cl-claim[data-claim='{name}']")


def paste_tokens_into_the_inspector(page, kernel) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    # The static view of the access token (show_token), apart from the widget.
    static = page.locator(f"{NOTEBOOK} .jp-OutputArea-output .cl-token[data-token-use='access']")
    expect(static).to_have_count(1)
    inspector = page.locator(f"{NOTEBOOK} .cl-token-inspector")
    expect(inspector).to_have_count(1)
    box = inspector.locator(".cl-token-input textarea")
    view = inspector.locator(".cl-token-view")
    root = view.locator(".cl-token")
    warnings = view.locator(".cl-token-warning")

    # As the notebook left it: alice's ID token, with its warning on top.
    expect(root).to_have_attribute("data-token-use", "id")
    expect(view.locator(".cl-warning-id-token")).to_be_visible()

    tokens = kernel("_browser_test_sign_in()", code=SIGN_IN)
    server_client, email = kernel('(lab.app_clients["server"].client_id, '
                                  'lab.users["alice"].email)')

    # An access token: no ID-token warning, the claims an API reads, exp in an hour.
    access = claims(tokens["AccessToken"])
    paste(page, box, tokens["AccessToken"])
    expect(root).to_have_attribute("data-token-use", "access")
    expect(warnings).to_have_count(0)
    expect(claim(view, "token_use").locator(".cl-claim-value")).to_have_text("access")
    expect(claim(view, "client_id").locator(".cl-claim-value")).to_have_text(server_client)
    expect(claim(view, "sub").locator(".cl-claim-value")).to_have_text(access["sub"])
    expect(claim(view, "scope").locator(".cl-claim-value")).to_have_text(access["scope"])
    expect(claim(view, "aud")).to_have_count(0)
    exp = view.locator(".cl-claim-exp")
    expect(exp.locator(".cl-claim-time")).to_have_text(utc(access["exp"]))
    # Minted seconds ago with Cognito's one-hour lifetime; read by the lab clock.
    expect(exp.locator(".cl-claim-relative")).to_have_text(re.compile(r"^expires in (59|60) min$"))
    expect(view.locator(".cl-token-summary")).to_contain_text("Access token")

    # The ID token: the warning, the audience and the email.
    paste(page, box, tokens["IdToken"])
    expect(root).to_have_attribute("data-token-use", "id")
    expect(view.locator(".cl-warning-id-token")).to_be_visible()
    expect(view.locator(".cl-warning-id-token")).to_contain_text("This is an ID token")
    expect(warnings).to_have_count(1)
    expect(claim(view, "token_use").locator(".cl-claim-value")).to_have_text("id")
    expect(claim(view, "aud").locator(".cl-claim-value")).to_have_text(server_client)
    expect(claim(view, "email").locator(".cl-claim-value")).to_have_text(email)
    expect(view.locator(".cl-claim-exp .cl-claim-relative")).to_have_text(
        re.compile(r"^expires in (59|60) min$"))

    # A forged token: unsigned, alg "none", expired two hours ago by the lab clock.
    now = int(kernel("lab.clock.now()"))
    forged = ".".join([b64url({"alg": "none"}),
                       b64url({**access, "exp": now - 7200, "iat": now - 10800}), ""])
    paste(page, box, forged)
    expect(root).to_have_attribute("data-token-use", "access")
    for name in ("alg", "no-signature", "expired"):
        expect(view.locator(f".cl-warning-{name}")).to_be_visible()
    expect(view.locator(".cl-warning-expired")).to_contain_text("Expired 2 h ago")
    expect(view.locator(".cl-claim-exp .cl-claim-relative")).to_have_text("expired 2 h ago")

    # Not tokens: the refresh token (opaque in the lab) and garbage; the error view.
    for garbage, problem in [
            (tokens["RefreshToken"], "A JWT has three parts separated by dots"),
            ("eyJub3Q.json!.x", "the header is not base64url-encoded JSON")]:
        paste(page, box, garbage)
        expect(root).to_have_attribute("data-token-use", "unknown")
        expect(view.locator(".cl-token-error").first).to_contain_text(problem)
        expect(view.locator(".cl-token-summary")).to_have_text("Not a JWT")
        expect(view.locator("tr.cl-claim")).to_have_count(0)

    # Emptied: the invitation to paste.
    box.click()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.press("Delete")
    expect(view.locator(".cl-token-empty")).to_be_visible()

    paste(page, box, tokens["IdToken"])    # for the screenshot: a real token, decoded
    expect(root).to_have_attribute("data-token-use", "id")
    inspector.scroll_into_view_if_needed()


# -- 07: the benchmark's progress bar (tqdm) -----------------------------------------------
# tqdm.auto shows an ipywidgets bar while bench.run() runs and removes it after
# (leave=False). It lives a second or two, so the page records every state it shows.
WATCH_PROGRESS = """notebook => {
    window.progressSeen = [];
    new MutationObserver(() => {
        for (const bar of document.querySelectorAll(notebook + ' .widget-hprogress')) {
            const box = bar.closest('.widget-hbox');
            const texts = [...box.querySelectorAll('.widget-html-content')]
                .map(e => e.textContent.trim());
            const fill = bar.querySelector('.progress-bar');
            if (texts.length !== 2 || fill === null) continue;   // a view being built
            window.progressSeen.push({texts, width: parseFloat(fill.style.width) || 0});
        }
    }).observe(document.body, {subtree: true, childList: true, attributes: true,
                               characterData: true});
}"""


def watch_progress(page) -> None:
    page.evaluate(WATCH_PROGRESS, NOTEBOOK)


def benchmark_progress_bar(page, _kernel) -> None:
    """What the bar showed: "bench: N%", the bar, "k/T [elapsed<left, rate]", moving on.

    Its three parts are three widgets, updated by three messages: a snapshot may catch one
    part ahead of the others, so each part is checked on its own against the total T.
    """
    seen = page.evaluate("window.progressSeen")
    assert seen, "no progress bar was shown while the benchmark ran"
    counters = [re.fullmatch(r"(\d+)/(\d+)\s\[\d\d:\d\d<.*step/s\]", state["texts"][1])
                for state in seen if state["texts"][1]]   # "" until tqdm first draws
    assert counters and all(counters), seen
    (total,) = {int(match.group(2)) for match in counters}
    done = [int(match.group(1)) for match in counters]
    assert done == sorted(done) and len(set(done)) > 1 and done[-1] <= total, done
    steps = [100 * k / total for k in range(total + 1)]
    percents = []
    for state in seen:
        label = state["texts"][0]
        if label != "bench":   # the description alone, before the first draw
            match = re.fullmatch(r"bench:\s*(\d+)%", label)   # tqdm pads with U+2007
            assert match and int(match.group(1)) in {round(p) for p in steps}, state
            percents.append(int(match.group(1)))
        assert any(state["width"] == pytest.approx(p, abs=0.01) for p in steps), state
    assert percents == sorted(percents) and percents[-1] > 0, percents
    # leave=False: gone once the run is over, and the results printed in its place.
    expect(page.locator(f"{NOTEBOOK} .widget-hprogress")).to_have_count(0)
    expect(output(page, "GetUser ÷ kit verifier")).to_have_count(1)


CASES = [
    Case("00_start_here.ipynb", start_here),
    Case("04_authorization_code_pkce.ipynb", click_through_the_flow, widgets=True,
         stopped=stepper_after_stop),
    Case("06_decode_and_verify_jwts.ipynb", paste_tokens_into_the_inspector, widgets=True),
    Case("07_local_verification_vs_getuser.ipynb", benchmark_progress_bar,
         prepare=watch_progress),
]


def assert_ran_cleanly(page, *, but_last: bool = False) -> None:
    prompts = page.locator(f"{NOTEBOOK} .jp-CodeCell .jp-InputPrompt").all_inner_texts()
    if but_last:
        prompts = prompts[:-1]
    assert prompts and all(p.strip("[]: ").isdigit() for p in prompts), prompts
    assert error_outputs(page) == []


@pytest.mark.parametrize("case", CASES, ids=[c.notebook.removesuffix(".ipynb") for c in CASES])
def test_notebook_runs_in_jupyterlab(browser, jupyterlab, case):
    page = run_notebook(browser, jupyterlab, case.notebook, keep_last=case.widgets,
                        prepare=case.prepare)
    passed = False
    try:
        assert_ran_cleanly(page, but_last=case.widgets)
        case.interact(page, partial(kernel_eval, jupyterlab, case.notebook))
        screenshot(page, case.notebook)
        if case.widgets:
            run_last_cell(page)
            assert_ran_cleanly(page)
            if case.stopped:
                case.stopped(page)
        passed = True
    finally:
        if not passed:
            screenshot(page, case.notebook)   # what the page showed when it failed
        page.close()
        jupyterlab.shut_down_kernel(case.notebook)
