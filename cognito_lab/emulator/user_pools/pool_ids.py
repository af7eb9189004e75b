"""Pool ids that are stable from run to run, yet unique to each lab in a process.

moto derives a pool's id (with the HASH strategy) from its region, name and settings, and
a client's id from its pool's id. Two labs applying the same template would then share
every id, and moto finds pools by client id across all accounts — so one lab could act
on the other's pool. A tag naming the lab's account makes the settings, and so the ids,
differ per lab, while the first lab in a fresh kernel still gets the same ids every time.
"""

from __future__ import annotations

from ..operations import Call

LAB_TAG = "cognito-lab:account"


def create_user_pool(call: Call) -> dict:
    tags = {**(call.param("UserPoolTags") or {}), LAB_TAG: call.emulator.account_id}
    return call.forward({**call.params, "UserPoolTags": tags})


def delete_user_pool(call: Call) -> dict:
    try:
        return call.forward()
    finally:
        call.emulator.directory.forget_pool(call.params["UserPoolId"])
