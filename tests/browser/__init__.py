"""Playwright tests in a real Chromium (a package, so its conftest keeps its own module name)."""
