"""Fixtures of the browser tests: Debian's Chromium through Playwright, and a JupyterLab.

- ``browser`` (session, in tests/conftest.py: one Playwright per session, shared with the
  site's tests): the Chromium ``cognito_lab.chromium`` finds (a system one, else
  Playwright's), launched by ``jupyterlab.launch_chromium``. If there is none the tests FAIL
  with what to install (CI installs Debian's with apt-get); they never skip.
- ``jupyterlab`` (session): a JupyterLab over a stripped copy of the notebooks (see
  jupyterlab.py).
- ``page``: a fresh browser context (its own cookies) and page for one test.
"""

from __future__ import annotations

from .jupyterlab import jupyterlab  # noqa: F401  (a fixture)
