import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import triad  # noqa: E402


@pytest.fixture
def run():
    """Starts triad-run runs and makes sure none outlives the test."""
    runs = []

    def start(*args, **kw):
        r = triad.Run(*args, **kw)
        runs.append(r)
        return r

    yield start
    for r in runs:
        r.kill()
