"""Flask test-client tests of the web interface (a package, so its conftest keeps its own module name)."""
