"""show_solution: the solution is shown folded and runs in its own namespace, so the
learner's answer is never overwritten (not even by "Run All")."""

from __future__ import annotations

from pathlib import Path

from cognito_lab.teach.solutions import show_solution

SOLUTIONS = Path(__file__).resolve().parents[2] / "notebooks" / "solutions"


class FakeLab:
    issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X"


def test_the_solution_runs_apart_from_the_learners_names():
    learner = {"lab": FakeLab(), "aws_jwks_url": None}
    solution = show_solution("00_start_here", folder=SOLUTIONS, namespace=learner,
                             display=False)
    assert solution.aws_jwks_url == f"{FakeLab.issuer}/.well-known/jwks.json"
    assert learner["aws_jwks_url"] is None                # the learner's answer is untouched
    assert not hasattr(solution, "lab")                   # only what the solution defined


def test_a_learners_function_is_not_replaced_by_the_solutions():
    def my_s256(verifier):                                # the learner's own (wrong) answer
        return verifier
    learner = {"my_s256": my_s256}
    solution = show_solution("04_s256_by_hand", folder=SOLUTIONS, namespace=learner,
                             display=False)
    assert learner["my_s256"] is my_s256
    assert solution.my_s256("x" * 43) != "x" * 43


def test_the_static_view_folds_the_source():
    solution = show_solution("04_s256_by_hand", folder=SOLUTIONS, namespace={},
                             display=False)
    page = solution._repr_html_()
    assert page.startswith("<details><summary>Our solution: <code>")
    assert "hashlib.sha256" in page.split("</summary>", 1)[1]
    assert "04_s256_by_hand.py" in repr(solution) and "my_s256" in repr(solution)
