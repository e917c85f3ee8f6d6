"""Revocation data of a signer's certificate: what is known (CRLs given), what may be fetched
(OCSP and CRL named in the certificate, when ``GOVDOC_REVOCATION_FETCH`` is on), the check
made before signing, and the data embedded for PAdES B-LT.

Before signing, `check_signer` validates the signer's chain against the trust roots with
every revocation check the certificates declare made strictly ("hard-fail"):

* revoked → `SignerError` (`REVOKED`): nothing is signed;
* good, and the timestamp authority's chain checked the same way → a `Revocation` holding
  the OCSP responses and CRLs gathered, to embed (B-LT);
* anything else (no trust root, a responder out of reach, no revocation data at all) → None:
  the signature is made without validation data (B-T or B-B), and says so.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError, RevokedError
from pyhanko_certvalidator.fetchers import OwnedFetcherBackend
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

from govdoc.signatures.signer import Signer, SignerError

logger = logging.getLogger(__name__)

REVOKED = "Chứng thư số đã bị thu hồi: không ký được."
FETCH_TIMEOUT_SECONDS = 5
"""Per request to an OCSP responder or a CRL server: a slow one must not hold signing up."""


def fetcher_backend() -> OwnedFetcherBackend:
    """An HTTP fetcher with a short timeout, released by the context it is given to."""
    return OwnedFetcherBackend(AIOHttpFetcherBackend(per_request_timeout=FETCH_TIMEOUT_SECONDS))


@dataclass(frozen=True)
class Revocation:
    """What is known to check a signer's chain: trust roots, CRLs and OCSP responses, and
    whether more may be fetched from the URLs the certificates name."""

    roots: Sequence[x509.Certificate]
    crls: Sequence[asn1_crl.CertificateList] = ()
    ocsps: Sequence[asn1_ocsp.OCSPResponse] = ()
    allow_fetching: bool = False

    def context(self, *, revocation_mode: str = "soft-fail") -> ValidationContext:
        return ValidationContext(
            trust_roots=list(self.roots),
            crls=list(self.crls),
            ocsps=list(self.ocsps),
            allow_fetching=self.allow_fetching,
            fetcher_backend=fetcher_backend() if self.allow_fetching else None,
            revocation_mode=revocation_mode,
        )

    @property
    def worth_checking(self) -> bool:
        """Roots to build a chain to, and revocation data known or obtainable."""
        return bool(self.roots) and bool(self.crls or self.ocsps or self.allow_fetching)


def check_signer(
    *, signer: Signer, revocation: Revocation, timestamper: TimeStamper | None = None
) -> Revocation | None:
    """The validation data to embed when the signer's (and the TSA's) revocation status is
    known and good; None when it is not known. Raises `SignerError(REVOKED)` when revoked."""
    if not revocation.worth_checking:
        return None
    context = revocation.context(revocation_mode="hard-fail")
    try:
        complete = asyncio.run(_validate(signer, context, timestamper))
    except RevokedError:
        raise SignerError(REVOKED) from None
    if not complete:
        return None
    return Revocation(roots=revocation.roots, crls=list(context.crls), ocsps=list(context.ocsps))


async def _validate(
    signer: Signer, context: ValidationContext, timestamper: TimeStamper | None
) -> bool:
    try:
        validator = CertificateValidator(
            signer.certificate, intermediate_certs=list(signer.chain), validation_context=context
        )
        try:
            await validator.async_validate_usage(set())  # type: ignore[no-untyped-call]
        except RevokedError:
            raise
        except (PathBuildingError, PathValidationError) as error:
            logger.info("signer's revocation status unknown: %s", error)
            return False
        if timestamper is not None:
            try:
                paths = timestamper.validation_paths(context)  # type: ignore[no-untyped-call]
                async for _path in paths:
                    pass
            except Exception as error:  # a TSA out of reach, or its chain not trusted
                logger.info("timestamp authority's revocation status unknown: %s", error)
                return False
        return True
    finally:
        await context.aclose()  # type: ignore[no-untyped-call]
