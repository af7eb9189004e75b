"""Charts for notebook 07 (matplotlib): latency, throughput and the revocation timeline.

Each function returns a matplotlib Figure (already closed in pyplot, so a notebook shows
it exactly once: as the cell's value). Axes carry units; times are log-scaled where the
values span orders of magnitude.
"""

from __future__ import annotations

import random
from typing import Any

GREEN, RED, GREY, BLUE, ORANGE = "#2e7d32", "#c62828", "#9e9e9e", "#1565c0", "#ef6c00"

def _horizontal() -> dict[str, Any]:
    """Horizontal boxes: ``orientation=`` since matplotlib 3.10, ``vert=`` before."""
    import matplotlib

    major, minor = (int(part) for part in matplotlib.__version__.split(".")[:2])
    return {"orientation": "horizontal"} if (major, minor) >= (3, 10) else {"vert": False}


ROUTE_LABELS = {"noauth": "no auth", "local": "local verify", "getuser": "GetUser"}


def _figure(width: float, height: float) -> tuple[Any, Any]:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, height), dpi=100, layout="constrained")
    plt.close(fig)            # the caller displays it; pyplot must not show it again
    return fig, ax


def _us(value: float) -> str:
    if value >= 1000:
        return f"{value / 1000:.1f} ms"
    return f"{value:.2f} µs" if value < 10 else f"{value:.0f} µs"


def latency_chart(result: Any, *, dots: int = 250, seed: int = 7) -> Any:
    """Per-call latency of every method (box: p25–p75, whiskers p1–p99, dots: samples) on
    a log axis, with the GetUser / local-verify ratio annotated."""
    from cognito_lab.bench import LABELS

    order = [m for m in ("cache_hit", "raw_rsa", "pyjwt", "verify", "getuser",
                         "getuser_simulated") if m in result.samples]
    fig, ax = _figure(9, 0.75 * len(order) + 1.6)
    horizontal = _horizontal()
    data = [result.samples[m] for m in order]
    ax.boxplot(data, **horizontal, whis=(1, 99), showfliers=False, widths=0.5,
               medianprops={"color": "black", "linewidth": 2},
               boxprops={"color": GREY}, whiskerprops={"color": GREY},
               capprops={"color": GREY})
    rng = random.Random(seed)  # noqa: S311 - jitter for dots, not security
    for row, method in enumerate(order, start=1):
        values = result.samples[method]
        shown = rng.sample(values, min(dots, len(values)))
        colour = RED if method.startswith("getuser") else BLUE
        ax.scatter(shown, [row + rng.uniform(-0.18, 0.18) for _ in shown], s=6,
                   alpha=0.35, color=colour, linewidths=0)
        stats = result.stats[method]
        ax.annotate(f"median {_us(stats.median)}", (stats.p99, row),
                    xytext=(6, 0), textcoords="offset points", ha="left", va="center",
                    fontsize=8)
    ax.set_xscale("log")
    low = min(min(v) for v in data)
    high = max(max(v) for v in data)
    ax.set_xlim(low / 2, high * 12)  # room for the median labels on the right
    ax.set_yticks(range(1, len(order) + 1))
    ax.set_yticklabels([LABELS[m] for m in order])
    ax.set_xlabel("time per check (µs, log scale)")
    ax.set_ylim(0.3, len(order) + 0.6)
    ax.grid(axis="x", which="major", alpha=0.3)
    ratio = result.ratios["getuser_vs_verify"]
    verify_row, getuser_row = order.index("verify") + 1, order.index("getuser") + 1
    ax.annotate("", xy=(result.median("getuser"), getuser_row - 0.3),
                xytext=(result.median("verify"), verify_row + 0.3),
                arrowprops={"arrowstyle": "->", "color": RED, "linewidth": 1.5})
    ax.text((result.median("getuser") * result.median("verify")) ** 0.5,
            (verify_row + getuser_row) / 2, f"GetUser ≈ × {ratio:.0f} slower",
            color=RED, fontsize=10, fontweight="bold", ha="center", va="center",
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    ax.set_title("One access token, checked five ways (further left is faster)")
    if "getuser_simulated" in order:
        ax.text(0.99, 0.01, f"'simulated' = measured GetUser + "
                f"{result.settings.simulated_rtt_ms:g} ms simulated network RTT",
                transform=ax.transAxes, ha="right", va="bottom", fontsize=8, color=GREY)
    return fig


def throughput_chart(result: Any) -> Any:
    """Requests per second of the sample API per route and concurrency (log axis), with
    the published UserRead quotas drawn as lines."""
    from cognito_lab.bench import PUBLISHED_USERREAD_PER_USER_RPS, PUBLISHED_USERREAD_RPS

    if not result.http:
        raise ValueError("this result has no HTTP figures: run the bench with http=True")
    levels = sorted({c for _, c in result.http})
    routes = [r for r in ROUTE_LABELS if any(key[0] == r for key in result.http)]
    fig, ax = _figure(9, 4.6)
    width = 0.8 / len(levels)
    colours = [BLUE, ORANGE, GREEN, GREY]
    for i, level in enumerate(levels):
        xs = [r + (i - (len(levels) - 1) / 2) * width for r in range(len(routes))]
        values = [result.http[route, level].rps for route in routes]
        bars = ax.bar(xs, values, width * 0.92, color=colours[i % len(colours)],
                      label=f"{level} connection{'s' if level > 1 else ''}")
        for bar, value in zip(bars, values, strict=True):
            ax.annotate(f"{value:,.0f}", (bar.get_x() + bar.get_width() / 2, value),
                        ha="center", va="bottom", fontsize=8, xytext=(0, 2),
                        textcoords="offset points")
    ax.axhline(PUBLISHED_USERREAD_RPS, color=RED, linestyle="--", linewidth=1.5,
               label=f"UserRead quota: {PUBLISHED_USERREAD_RPS} req/s per account "
                     "and Region (published default)")
    ax.axhline(PUBLISHED_USERREAD_PER_USER_RPS, color=RED, linestyle=":", linewidth=1.5,
               label=f"… and {PUBLISHED_USERREAD_PER_USER_RPS} req/s per user")
    ax.set_yscale("log")
    ax.set_ylim(PUBLISHED_USERREAD_PER_USER_RPS / 2,
                max(r.rps for r in result.http.values()) * 30)   # room for the legend
    ax.set_xticks(range(len(routes)))
    ax.set_xticklabels([f"GET {ROUTE_LABELS[r]}" for r in routes])
    ax.set_ylabel("requests per second (log scale)")
    ax.set_xlabel("route of the sample API (same request, same token)")
    ax.set_title("Sample API throughput on this machine (loopback; lab without throttling)")
    ax.legend(fontsize=8, loc="upper center", ncol=2)
    ax.grid(axis="y", which="major", alpha=0.3)
    return fig


def revocation_timeline(probe: Any) -> Any:
    """After GlobalSignOut: when GetUser and local verification accept the token (bars:
    the documented behaviour; markers: what the probe observed), on the lab's clock."""
    if probe.signed_out_at is None:
        raise ValueError("call probe.global_sign_out() first: there is nothing to draw")
    minutes = probe.minutes
    end_at = max([probe.expires_at + 300] + [o.at + 120 for o in probe.observations])
    exp_m, out_m, end_m = minutes(probe.expires_at), minutes(probe.signed_out_at), minutes(end_at)
    fig, ax = _figure(9, 3.4)
    rows = {"getuser": 1, "local": 0}
    spans = {"getuser": [(0, out_m, True), (out_m, end_m, False)],
             "local": [(0, exp_m, True), (exp_m, end_m, False)]}
    for name, row in rows.items():
        for start, stop, ok in spans[name]:
            ax.broken_barh([(start, stop - start)], (row - 0.3, 0.6),
                           facecolors=GREEN if ok else RED, alpha=0.35)
    for observation in probe.observations:
        at = minutes(observation.at)
        for name, ok in (("getuser", observation.getuser_ok), ("local", observation.local_ok)):
            ax.plot(at, rows[name], marker="o" if ok else "X", markersize=9,
                    color=GREEN if ok else RED, markeredgecolor="black", linestyle="none")
    ax.axvline(out_m, color="black", linestyle="--", linewidth=1)
    ax.text(out_m, 1.45, " GlobalSignOut", fontsize=9, va="center")
    ax.axvline(exp_m, color="black", linestyle=":", linewidth=1)
    ax.text(exp_m, 1.45, " exp", fontsize=9, va="center")
    ax.annotate("", xy=(exp_m, -0.45), xytext=(out_m, -0.45),
                arrowprops={"arrowstyle": "<->", "color": RED})
    ax.text((out_m + exp_m) / 2, -0.62,
            f"still accepted locally for {probe.exposure_minutes:.0f} min after sign-out",
            ha="center", va="top", fontsize=9, color=RED)
    ax.set_yticks([0, 1])
    ax.set_yticklabels(["local verification\n(your API, cached keys)",
                        "GetUser\n(asks Cognito)"])
    ax.set_ylim(-0.95, 1.7)
    ax.set_xlim(-2, end_m)
    ax.set_xlabel("minutes since the token was issued (lab clock)")
    ax.set_title("One access token after GlobalSignOut: who still accepts it?")
    ax.text(1.0, -0.25, "bars: documented behaviour (green accepted, red refused); "
            "markers: what the probe observed", transform=ax.transAxes, ha="right",
            va="top", fontsize=8, color=GREY)
    return fig


__all__ = ["latency_chart", "revocation_timeline", "throughput_chart"]
