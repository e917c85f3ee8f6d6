"""Verify a PDF's signatures against the trust store and keep the result (NĐ 30 Điều 21):
one append-only ``PdfVerification`` row and one journal event per check."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from asn1crypto import x509
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from govdoc.audit.services import audit_record
from govdoc.signatures.models import PdfVerification, TrustAnchor, VerificationOutcome
from govdoc.signatures.selectors import active_trust_anchors
from govdoc.signatures.verify import (
    NOT_TRUSTED,
    UNTRUSTED,
    PdfVerificationError,
    SignatureReport,
    VerificationReport,
    verify_pdf,
)

# Problems that only say the root is not (yet) in the trust store.
TRUST_UNKNOWN_PROBLEMS = frozenset({UNTRUSTED, NOT_TRUSTED})


def outcome_of(report: VerificationReport) -> VerificationOutcome:
    """No signature: UNSIGNED; any signature broken, changed afterwards, or with a revoked,
    expired or not yet valid certificate or a bad timestamp: INVALID; all intact but some
    not chaining to a trusted root: UNKNOWN_TRUST; otherwise VALID."""
    if not report.signatures:
        return VerificationOutcome.UNSIGNED
    untrusted = False
    for signature in report.signatures:
        if not (signature.intact and signature.later_changes_allowed):
            return VerificationOutcome.INVALID
        if any(p not in TRUST_UNKNOWN_PROBLEMS for p in signature.problems):
            return VerificationOutcome.INVALID
        untrusted = untrusted or not signature.trusted
    return VerificationOutcome.UNKNOWN_TRUST if untrusted else VerificationOutcome.VALID


def signature_as_json(signature: SignatureReport) -> dict[str, Any]:
    return {
        "field_name": signature.field_name,
        "signer_name": signature.signer_name,
        "signing_time": signature.signing_time.isoformat() if signature.signing_time else None,
        "intact": signature.intact,
        "covers_whole_document": signature.covers_whole_document,
        "later_changes_allowed": signature.later_changes_allowed,
        "timestamped": signature.timestamped,
        "trusted": signature.trusted,
        "problems": list(signature.problems),
        "valid": signature.valid,
    }


def trust_store_fingerprint(anchors: Iterable[TrustAnchor]) -> tuple[int, str]:
    """The number of trusted roots and a SHA-256 over their sorted fingerprints."""
    fingerprints = sorted(a.fingerprint for a in anchors)
    digest = hashlib.sha256("\n".join(fingerprints).encode()).hexdigest()
    return len(fingerprints), digest


def pdf_verify_and_record(
    *, data: bytes, actor: Any, agency_id: int | None, target_label: str
) -> PdfVerification:
    """Check every signature of the PDF `data` against the active trust anchors (fetching
    revocation data when ``GOVDOC_REVOCATION_FETCH`` is on), store the report and journal
    it. A file that cannot be checked (broken, encrypted) is recorded as INVALID with the
    reason in ``error``."""
    anchors = list(active_trust_anchors())
    roots = [x509.Certificate.load(bytes(a.certificate_der)) for a in anchors]
    count, store_digest = trust_store_fingerprint(anchors)
    sha256 = hashlib.sha256(data).hexdigest()
    error = ""
    signatures: list[dict[str, Any]] = []
    try:
        report = verify_pdf(
            data, roots=roots, allow_fetching=bool(settings.GOVDOC_REVOCATION_FETCH)
        )
    except PdfVerificationError as failure:
        outcome = VerificationOutcome.INVALID
        error = str(failure)[:500]
    else:
        outcome = outcome_of(report)
        signatures = [signature_as_json(s) for s in report.signatures]
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    with transaction.atomic():
        verification = PdfVerification.objects.create(
            sha256=sha256,
            verified_at=timezone.now(),
            outcome=outcome,
            report=signatures,
            error=error,
            trust_anchor_count=count,
            trust_store_sha256=store_digest,
            agency_id=agency_id,
            verified_by=actor if authenticated else None,
            target_label=target_label[:300],
        )
        audit_record(
            actor=actor,
            action="signature.verify",
            target=verification,
            target_label=target_label,
            agency_id=agency_id,
            data={
                "sha256": sha256,
                "outcome": str(outcome),
                "signatures": len(signatures),
                "trust_anchors": count,
            },
        )
    return verification


def latest_verifications(sha256s: Iterable[str]) -> dict[str, PdfVerification]:
    """The latest check of each of these SHA-256 values (one query)."""
    wanted = set(sha256s)
    if not wanted:
        return {}
    latest: dict[str, PdfVerification] = {}
    for row in PdfVerification.objects.filter(sha256__in=wanted).order_by(
        "sha256", "-verified_at", "-pk"
    ):
        latest.setdefault(row.sha256, row)
    return latest
