"""A package, so the package-scoped server and browser of conftest.py end with this folder:
a Playwright sync loop still running would break the asyncio tests collected after it."""
