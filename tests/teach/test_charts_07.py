"""Notebook 07's charts draw what they are given, with labelled axes."""

from __future__ import annotations

import matplotlib
import pytest

from cognito_lab.api.verifier import CognitoJwtVerifier
from cognito_lab.bench import run, sign_in
from cognito_lab.teach.charts import latency_chart, revocation_timeline, throughput_chart
from cognito_lab.teach.revocation import RevocationProbe

matplotlib.use("Agg")       # before the charts import pyplot: no display needed


@pytest.fixture(scope="module")
def result(lab):
    return run(lab=lab, quick=True, simulated_rtt_ms=20, progress=False,
               http_seconds=0.1, concurrency=(1, 4))


def texts(fig) -> str:
    ax = fig.axes[0]
    parts = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    parts += [t.get_text() for t in ax.texts] + [t.get_text() for t in ax.get_yticklabels()]
    legend = ax.get_legend()
    if legend:
        parts += [t.get_text() for t in legend.get_texts()]
    return "\n".join(parts)


def test_latency_chart_is_log_scaled_labelled_and_annotated(result):
    fig = latency_chart(result)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert "µs" in ax.get_xlabel()
    written = texts(fig)
    assert f"× {result.ratios['getuser_vs_verify']:.0f}" in written
    assert "(simulated)" in written and "simulated network RTT" in written
    assert len(ax.get_yticklabels()) == 6


def test_throughput_chart_draws_the_published_quotas(result):
    fig = throughput_chart(result)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and "requests per second" in ax.get_ylabel()
    lines = {round(line.get_ydata()[0]) for line in ax.get_lines()}
    assert {120, 10} <= lines
    written = texts(fig)
    assert "UserRead quota: 120" in written and "4 connections" in written
    assert len(ax.patches) == 3 * 2                      # routes × concurrency levels


def test_throughput_chart_needs_http_figures(lab):
    no_http = run(lab=lab, quick=True, http=False, progress=False)
    with pytest.raises(ValueError, match="http=True"):
        throughput_chart(no_http)


def test_revocation_timeline_shows_the_exposure(fresh_lab, capsys):
    lab = fresh_lab
    verifier = CognitoJwtVerifier(user_pool_id=lab.user_pool_id, token_use="access",
                                  client_id=lab.app_clients["server"].client_id,
                                  jwks_url=lab.jwks_url, clock=lab.clock)
    probe = RevocationProbe(lab, sign_in(lab)["AccessToken"], verifier)
    with pytest.raises(ValueError, match="global_sign_out"):
        revocation_timeline(probe)
    lab.clock.advance(minutes=20)
    probe.global_sign_out()
    probe.check()
    fig = revocation_timeline(probe)
    written = texts(fig)
    assert "still accepted locally for 40 min after sign-out" in written
    assert "GlobalSignOut" in written and "minutes" in fig.axes[0].get_xlabel()
