"""contract/schema.graphql is the shared contract, byte for byte, wherever the shared one is
beside the checkout (../shared/contract/); elsewhere the copy is what the contract tests read."""

from __future__ import annotations

import pytest
from service_fixtures import CONTRACT, SHARED_CONTRACT


def test_the_vendored_contract_is_the_shared_one():
    if not SHARED_CONTRACT.exists():
        pytest.skip(f"no shared contract at {SHARED_CONTRACT} to compare with")
    assert CONTRACT.read_bytes() == SHARED_CONTRACT.read_bytes(), (
        f"{CONTRACT} differs from {SHARED_CONTRACT}: copy the shared one over it")
