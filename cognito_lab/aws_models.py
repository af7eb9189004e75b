"""botocore's service models, loaded once per process and shared by every part that reads
them: the lab's boto3 clients, the emulator's request validation, its STS/IAM calls.

A fresh botocore session parses a service's JSON model again (40 ms for cognito-idp,
20 ms for IAM); a lab starts several, so they share one loader. A neutral leaf module: it
knows botocore, not who uses it.
"""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()
_loader: Any = None
_models: dict[str, Any] = {}


def botocore_session() -> Any:
    """A new botocore session (its own credentials and config) on the shared model loader."""
    import botocore.session

    global _loader
    session = botocore.session.Session()
    with _lock:
        if _loader is None:
            _loader = session.get_component("data_loader")
        session.register_component("data_loader", _loader)
    return session


def service_model(service: str) -> Any:
    """botocore's ServiceModel of ``service`` (built once per process)."""
    with _lock:
        model = _models.get(service)
    if model is None:
        model = botocore_session().get_service_model(service)
        with _lock:
            model = _models.setdefault(service, model)
    return model
