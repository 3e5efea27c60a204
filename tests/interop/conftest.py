"""Fixtures of tests/interop: the same as tests/integration's (the library is tests/integration/vrrptopo/)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))

from vrrptopo.fixtures import make_topology, shared_topology, topology, vrrpd_path  # noqa: E402,F401
