"""The outgoing app's fixtures (a PKI, the leader's and the ministry's credentials, a draft
factory), shared by the exchange tests that issue documents."""

from __future__ import annotations

from govdoc.outgoing.tests.conftest import credentials, make_draft, pki  # noqa: F401
