"""The one interface every signing provider implements (a PKCS#12 file, a PKCS#11 token or
HSM, a remote-signing service), so that placing and applying a PAdES signature never depends
on where the private key lives."""

from __future__ import annotations

from typing import Protocol

from asn1crypto import x509


class SignerError(Exception):
    """A provider could not sign: its message is Vietnamese and safe to show (wrong password,
    missing token, wrong PIN, refused on the phone…)."""


class Signer(Protocol):
    """A key able to sign, with its certificate and the chain up to (not including) the root."""

    @property
    def certificate(self) -> x509.Certificate: ...

    @property
    def chain(self) -> tuple[x509.Certificate, ...]: ...

    def pyhanko_signer(self) -> object:
        """A `pyhanko.sign.signers.Signer` for this key (pyHanko does the CMS work)."""
        ...
