"""Browser tests: Playwright driving Chromium (Debian's on CI; see cognito_lab/chromium.py)."""
