"""A throw-away SoftHSM2 token for tests of the PKCS#11 provider.

`softhsm_token(tmp_dir)` writes a softhsm2.conf whose token directory is `tmp_dir`, points
SOFTHSM2_CONF at it, initialises a token with `softhsm2-util`, and yields a `SoftHsmToken` on
which tests generate RSA keys (`add_key`: the key pair is generated *on the token*, its
certificate issued by a CA from `govdoc.signatures.testing_pki` and stored next to it).
Nothing is written outside `tmp_dir`; SOFTHSM2_CONF is restored on exit.

SoftHSM reads SOFTHSM2_CONF when the module is initialised (C_Initialize) and python-pkcs11
keeps one loaded module per path, so the helper re-initialises the module after changing the
configuration or adding a token: open sessions do not survive that, so set tokens up first,
then sign.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pkcs11
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pkcs11 import Attribute, KeyType, ObjectClass
from pkcs11.util.x509 import decode_x509_certificate

from govdoc.signatures import testing_pki
from govdoc.signatures.testing_pki import TestIdentity

MODULE_CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)

SO_PIN = "87654321"
USER_PIN = "123456"


def softhsm_module() -> str | None:
    """Path of libsofthsm2.so (GOVDOC_SOFTHSM2_MODULE overrides), or None if absent."""
    override = os.environ.get("GOVDOC_SOFTHSM2_MODULE")
    candidates = (override,) if override else MODULE_CANDIDATES
    return next((path for path in candidates if path and os.path.isfile(path)), None)


def softhsm_missing_reason() -> str | None:
    """Why SoftHSM2 tests cannot run here, or None if they can."""
    if shutil.which("softhsm2-util") is None:
        return "SoftHSM2 chưa được cài (không có softhsm2-util): chạy scripts/debian-packages.sh"
    if softhsm_module() is None:
        return "Không tìm thấy libsofthsm2.so (đặt GOVDOC_SOFTHSM2_MODULE)"
    return None


@dataclass
class SoftHsmToken:
    """A SoftHSM2 token in a temporary directory."""

    module_path: str
    directory: Path
    label: str
    pin: str = USER_PIN
    so_pin: str = SO_PIN

    def _session(self) -> Any:
        token = pkcs11.lib(self.module_path).get_token(token_label=self.label)
        return token.open(rw=True, user_pin=self.pin)

    def add_key(
        self,
        label: str,
        key_id: bytes,
        *,
        issuer: TestIdentity,
        common_name: str = "Nguyễn Văn Ký",
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
        store_certificate: bool = True,
    ) -> asn1_x509.Certificate:
        """Generate an RSA 2048 key pair on the token, issue its certificate from `issuer`
        (a CA of the test PKI) and store it on the token under the same label and id."""
        now = dt.datetime.now(dt.UTC)
        session = self._session()
        try:
            public, _private = session.generate_keypair(
                KeyType.RSA,
                2048,
                label=label,
                id=key_id,
                store=True,
                private_template={Attribute.SIGN: True, Attribute.SENSITIVE: True},
            )
            public_key = rsa.RSAPublicNumbers(
                int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
                int.from_bytes(public[Attribute.MODULUS], "big"),
            ).public_key()
            certificate = issue_certificate(
                public_key,
                issuer=issuer,
                common_name=common_name,
                not_before=not_before or now - dt.timedelta(days=1),
                not_after=not_after or now + dt.timedelta(days=365),
            )
            if store_certificate:
                _store_certificate(session, label, key_id, certificate.dump())
        finally:
            session.close()
        return certificate

    def add_certificate(
        self, label: str, cert_id: bytes, certificate: asn1_x509.Certificate
    ) -> None:
        """Store a certificate alone (no private key), e.g. a CA certificate."""
        session = self._session()
        try:
            _store_certificate(session, label, cert_id, certificate.dump())
        finally:
            session.close()


def _store_certificate(session: Any, label: str, cert_id: bytes, der: bytes) -> None:
    template = decode_x509_certificate(der)
    template.update({Attribute.LABEL: label, Attribute.ID: cert_id, Attribute.TOKEN: True})
    assert template[Attribute.CLASS] == ObjectClass.CERTIFICATE
    session.create_object(template)


def issue_certificate(
    public_key: rsa.RSAPublicKey,
    *,
    issuer: TestIdentity,
    common_name: str,
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> asn1_x509.Certificate:
    """A signing certificate for `public_key`, issued by `issuer` (which holds its key)."""
    certificate = testing_pki.issue_certificate(
        public_key,
        subject=testing_pki.subject_name(common_name, testing_pki.ORGANIZATION),
        issuer=issuer,
        not_before=not_before,
        not_after=not_after,
    )
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _reinitialize(module_path: str) -> None:
    """Make an already loaded SoftHSM re-read SOFTHSM2_CONF and its token directory."""
    pkcs11.lib(module_path).reinitialize()


@contextmanager
def softhsm_token(directory: Path, label: str = "govdoc-thu-nghiem") -> Iterator[SoftHsmToken]:
    """A fresh SoftHSM2 token (user PIN `USER_PIN`, SO PIN `SO_PIN`) stored in `directory`."""
    module_path = softhsm_module()
    if module_path is None or shutil.which("softhsm2-util") is None:
        raise RuntimeError(softhsm_missing_reason())
    tokens = directory / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n",
        encoding="utf-8",
    )
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    try:
        subprocess.run(
            [
                "softhsm2-util",
                "--init-token",
                "--free",
                "--label",
                label,
                "--so-pin",
                SO_PIN,
                "--pin",
                USER_PIN,
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "SOFTHSM2_CONF": str(conf)},
        )
        _reinitialize(module_path)
        yield SoftHsmToken(module_path=module_path, directory=directory, label=label)
    finally:
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous
        # Leave the module finalised: the next user initialises it with its own config.
        with suppress(pkcs11.PKCS11Error):
            pkcs11.lib(module_path).finalize()
