from pathlib import Path

import pytest

from sanxiang.testing.browser import chromium, output_dir, page  # noqa: F401

HERE = Path(__file__).parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Every test in this folder drives Chromium: marked so, it runs once per CI (ADR 0100)."""
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
