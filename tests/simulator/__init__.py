"""A faithful Argo CD API server simulator for end-to-end, fault and load tests."""

from tests.simulator.argo import DEFAULT_TOKEN, Override
from tests.simulator.faults import Fault, FaultKind
from tests.simulator.server import Access, Simulator

__all__ = ["DEFAULT_TOKEN", "Access", "Fault", "FaultKind", "Override", "Simulator"]
