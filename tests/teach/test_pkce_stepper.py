"""cognito_lab.teach.pkce_stepper: the notebook 04 widget and its steps."""

from __future__ import annotations

import pytest

from cognito_lab.teach.pkce_stepper import PkceStepper, sign_in_link


def test_run_all_completes_the_flow_with_real_exchanges(lab):
    stepper = PkceStepper(lab)
    steps = stepper.run_all()
    assert [s.arrows for s in steps] == ["1", "2–3", "4–5", "6–7", "8–9", "10–11", "—"]
    exchanges = [s.exchange for s in steps if s.exchange is not None]
    assert [e.summary().split(" → ")[:2] for e in exchanges] == [
        ["GET /oauth2/authorize", "302"], ["GET /login", "200"], ["POST /login", "302"],
        ["POST /oauth2/token", "200"]]
    assert stepper.tokens is not None and stepper.tokens.id_token
    html = "".join(s._repr_html_() for s in steps)
    assert lab.users["alice"].password not in html
    assert stepper.tokens.access_token not in html
    with pytest.raises(StopIteration):
        stepper.next()


def test_reset_starts_a_new_flow_without_cookies(lab):
    stepper = PkceStepper(lab)
    stepper.run_all()
    first_state = stepper.request.state
    stepper.reset()
    assert stepper.done == [] and not stepper.browser.http.cookies
    stepper.next()
    assert stepper.request.state != first_state


def test_widget_steps_on_click(lab):
    stepper = PkceStepper(lab)
    box = stepper.widget()
    forward, again, progress = box.children[0].children
    shown = box.children[1]
    assert "7 steps" in progress.value
    forward.click()
    assert "Step 1 of 7" in progress.value and "PKCE pair" in shown.value
    for _ in range(6):
        forward.click()
    assert forward.disabled and "Step 7 of 7" in progress.value
    again.click()
    assert not forward.disabled and stepper.done == []


def test_widget_shows_an_error_instead_of_raising(lab):
    stepper = PkceStepper(lab, user="bob")
    stepper.user = type(stepper.user)(username=stepper.user.username, password="Wrong-pass-1")
    box = stepper.widget()
    forward = box.children[0].children[0]
    for _ in range(5):
        forward.click()
    assert "❌" in box.children[1].value


def test_sign_in_link_uses_the_public_url(lab, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/learner/")
    link = sign_in_link(lab, f"{lab.domain_url}/oauth2/authorize?a=1&b=2").data
    assert f'href="/user/learner/proxy/{lab.port}/oauth2/authorize?a=1&amp;b=2"' in link


def test_widget_says_when_the_lab_is_stopped():
    from cognito_lab import Lab

    with Lab.start() as lab:
        box = PkceStepper(lab).widget()
    box.children[0].children[0].click()
    assert "lab is stopped" in box.children[1].value
