"""RSA packet keys under a test CA (made by `govdoc.exchange.testing_keys`, which the exchange
benchmark uses too), and the outgoing app's fixtures (a PKI, the leader's and the ministry's
credentials, a draft factory), shared by the exchange tests."""

from __future__ import annotations

import pytest

from govdoc.exchange.testing_keys import PASSWORD as PASSWORD
from govdoc.exchange.testing_keys import RsaCa as RsaCa
from govdoc.exchange.testing_keys import make_rsa_ca
from govdoc.outgoing.tests.conftest import credentials, issue, make_draft, pki  # noqa: F401


@pytest.fixture(scope="module")
def rsa_ca() -> RsaCa:
    return make_rsa_ca("CA liên thông thử nghiệm")
