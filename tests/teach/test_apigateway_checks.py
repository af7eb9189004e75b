"""Notebook 11's exercise check: each plausible wrong answer fails with its own feedback.

AWS, "Control access to REST APIs using Amazon Cognito user pools as an authorizer": a
method without OAuth scopes takes an ID token; with scopes, an access token carrying one
of them (and no ID token).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cognito_lab.teach.apigateway import check_rest_method_refuses_id_tokens
from cognito_lab.teach.solutions import show_solution

SOLUTIONS = Path(__file__).resolve().parents[2] / "notebooks" / "solutions"


def method(**extra):
    """A learner's answer: put GET /orders with these settings."""
    def configure(ag, api_id, resource_id, authorizer_id):
        settings = {"authorizationType": "COGNITO_USER_POOLS", "authorizerId": authorizer_id,
                    **extra}
        if settings["authorizationType"] == "NONE":
            settings.pop("authorizerId")
        ag.put_method(restApiId=api_id, resourceId=resource_id, httpMethod="GET", **settings)
    return configure


def test_the_solution_passes(lab, capsys):
    solution = show_solution("11_refuse_id_tokens", folder=SOLUTIONS, namespace={},
                             display=False)
    assert check_rest_method_refuses_id_tokens(lab, solution.configure_orders_method)
    assert capsys.readouterr().out.startswith("✅")


def test_the_skeleton_is_not_done_yet(lab, capsys):
    def configure_orders_method(ag, api_id, resource_id, authorizer_id):
        raise NotImplementedError

    assert not check_rest_method_refuses_id_tokens(lab, configure_orders_method)
    assert "Not done yet" in capsys.readouterr().out


@pytest.mark.parametrize(("answer", "feedback"), [
    # the pitfall itself: no scopes, so the ID token passes
    (method(), "An ID token still gets 200"),
    # a scope the app's access token lacks: the app is locked out
    (method(authorizationScopes=["orders/write"]), "The app's own access token"),
    # no authorizer at all
    (method(authorizationType="NONE"), "A request with no token at all got 200"),
    # scopes every signed-in user's token may carry
    (method(authorizationScopes=["openid"]), "An access token without orders/read"),
    (method(authorizationScopes=["orders/read", "aws.cognito.signin.user.admin"]),
     "An access token without orders/read"),
], ids=["no-scopes", "scope-the-token-lacks", "authorization-none", "openid",
        "sdk-scope-too"])
def test_wrong_answers_fail_with_specific_feedback(lab, capsys, answer, feedback):
    assert not check_rest_method_refuses_id_tokens(lab, answer)
    printed = capsys.readouterr().out
    assert printed.startswith("❌") and feedback in printed


def test_no_method_and_a_raising_answer(lab, capsys):
    assert not check_rest_method_refuses_id_tokens(lab, lambda *ids: None)
    assert "There is no GET method on /orders" in capsys.readouterr().out

    def typo(ag, api_id, resource_id, authorizer_id):
        ag.put_method(restApiId=api_id, resourceId=resource_id, httpMethod="GET")

    assert not check_rest_method_refuses_id_tokens(lab, typo)
    assert "raised ParamValidationError" in capsys.readouterr().out
