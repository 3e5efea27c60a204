"""Fixtures of tests/integration: see vrrptopo/fixtures.py (the library is vrrptopo/)."""

from vrrptopo.fixtures import make_topology, shared_topology, topology, vrrpd_path  # noqa: F401
