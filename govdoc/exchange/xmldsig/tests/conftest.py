"""The agency, its test PKI and trusted roots of govdoc/exchange/tests/test_xmldsig.py."""

from govdoc.exchange.tests.test_xmldsig import agency, pki, roots  # noqa: F401
