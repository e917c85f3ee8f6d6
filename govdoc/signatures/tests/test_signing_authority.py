"""Who may sign as the competent person: that person, or someone holding their authority by
a delegation in force; anyone else is refused, journaled, and nothing is signed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_pdf
from govdoc.core.errors import Forbidden
from govdoc.organizations.models import Agency, Delegation, User
from govdoc.organizations.services.delegations import delegation_create, delegation_revoke
from govdoc.signatures import services, signing
from govdoc.signatures.models import SigningCredential
from govdoc.signatures.pades import Box
from govdoc.signatures.testing_pki import PASSWORD, TestPki, make_signer

pytestmark = pytest.mark.django_db

BOX = Box(0, 300, 100, 450, 170)


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


@pytest.fixture
def deputy_credential(personas: dict[str, User], pki: TestPki) -> SigningCredential:
    """The unit head's own certificate (a deputy who may sign for the leader by delegation)."""
    return services.credential_register_pkcs12(
        actor=personas["admin"],
        p12_bytes=make_signer("Lê Văn Trưởng", issuer=pki.intermediate).pkcs12,
        password=PASSWORD,
        owner_person=personas["unit_head"],
    )


def _delegate(personas: dict[str, User], ministry: Agency) -> Delegation:
    today = timezone.localdate()
    return delegation_create(
        agency=ministry,
        delegator_id=personas["leader"].pk,
        delegate_id=personas["unit_head"].pk,
        starts_on=today,
        ends_on=today + dt.timedelta(days=7),
        scope="Ký văn bản thay",
        actor=personas["admin"],
    )


def _sign(actor: User, competent_person: User | None) -> signing.SignedResult:
    return signing.sign_as_person(
        pdf=make_pdf(),
        actor=actor,
        password=PASSWORD,
        appearance_box=BOX,
        timestamp_url=None,
        competent_person=competent_person,
    )


def _fresh(user: User) -> User:
    """The user as a new request loads it (what it knows of delegations is not kept)."""
    return User.objects.get(pk=user.pk)


def test_the_competent_person_signs_and_the_journal_names_them(
    personas: dict[str, User], person_credential: SigningCredential
) -> None:
    # given a draft whose signer is the leader; when the leader signs it
    result = _sign(personas["leader"], personas["leader"])
    # then it is signed, and the journal records whose authority it was
    assert result.field_name == "ChuKy1"
    (event,) = _events(signing.ACTION_SIGNED)
    assert event.data["competent_person"] == personas["leader"].pk


def test_someone_else_is_refused_and_nothing_is_signed(
    personas: dict[str, User], deputy_credential: SigningCredential
) -> None:
    # given the leader is the draft's signer and the unit head has no delegation
    # when the unit head signs with their own certificate
    with pytest.raises(Forbidden) as error:
        _sign(personas["unit_head"], personas["leader"])
    # then it is refused in Vietnamese, journaled, and no signature is made
    assert error.value.message == signing.NOT_COMPETENT
    assert error.value.message == "Bạn không phải người có thẩm quyền ký văn bản này."
    (failed,) = _events(signing.ACTION_FAILED)
    assert failed.actor == personas["unit_head"]
    assert failed.data["error"] == signing.NOT_COMPETENT
    assert failed.data["competent_person"] == personas["leader"].pk
    assert _events(signing.ACTION_SIGNED) == []


def test_a_delegate_in_force_may_sign_for_the_competent_person(
    personas: dict[str, User], ministry: Agency, deputy_credential: SigningCredential
) -> None:
    # given the leader delegated their authority to the unit head for this week
    delegation = _delegate(personas, ministry)
    # when the unit head signs the leader's draft, then it is signed with the unit head's key
    result = _sign(_fresh(personas["unit_head"]), personas["leader"])
    assert result.certificate_serial == deputy_credential.serial_number
    (event,) = _events(signing.ACTION_SIGNED)
    assert event.actor == personas["unit_head"]
    assert event.data["competent_person"] == personas["leader"].pk
    # and once the delegation is revoked, the unit head is refused again
    delegation_revoke(delegation=delegation, actor=personas["admin"])
    with pytest.raises(Forbidden, match=signing.NOT_COMPETENT):
        _sign(_fresh(personas["unit_head"]), personas["leader"])
    assert len(_events(signing.ACTION_SIGNED)) == 1


def test_a_delegation_to_someone_else_does_not_count(
    personas: dict[str, User], ministry: Agency, person_credential: SigningCredential
) -> None:
    # given the leader delegated to the unit head, when the specialist signs for the leader
    _delegate(personas, ministry)
    with pytest.raises(Forbidden):
        _sign(_fresh(personas["specialist"]), personas["leader"])
    # and the delegate's own authority does not pass back to the leader either
    with pytest.raises(Forbidden):
        _sign(_fresh(personas["leader"]), personas["unit_head"])
    assert _events(signing.ACTION_SIGNED) == []
    assert len(_events(signing.ACTION_FAILED)) == 2
