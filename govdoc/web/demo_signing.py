"""Digital signatures for the demo (`govdoc demo`): a throw-away certification authority,
signing credentials for the leader and for the ministry, and their images.

* The demo CA (a root and an intermediate) is generated at demo time with `cryptography`:
  nothing is committed, and its private keys are thrown away once the two certificates are
  issued. The root is added to the trust store (`trust_anchor_add`).
* The leader (`lanhdao`) gets a personal certificate and the ministry an agency certificate
  (its seal), registered as PKCS#12 files with `credential_register_pkcs12`; the password of
  both is `DEMO_P12_PASSWORD` ("govdoc-demo", demo only, never for a real installation).
* The images are files under the data directory, ``DATA_DIR / "demo-signing"``:
  ``chu-ky-lanhdao.png`` (the leader's signature, blue on a transparent background) and
  ``con-dau-<organ_id>.png`` (the ministry's red round seal, 36 mm at 300 dpi). The
  ``.p12`` files are written there too, so the demo can also be tried with a desktop signer.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

from govdoc.organizations.models import Agency, User
from govdoc.signatures.models import SigningCredential, TrustAnchor
from govdoc.signatures.services import (
    credential_register_pkcs12,
    credential_set_image,
    trust_anchor_add,
)

DEMO_P12_PASSWORD = "govdoc-demo"
LEADER_USERNAME = "lanhdao"
DIRECTORY_NAME = "demo-signing"
CA_ORGANIZATION = "Tổ chức chứng thực thử nghiệm govdoc (chỉ dùng cho dữ liệu mẫu)"
SEAL_DPI = 300
SEAL_DIAMETER_MM = 36.0
FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf")


@dataclass(frozen=True)
class DemoSigning:
    anchor: TrustAnchor
    leader_credential: SigningCredential
    agency_credential: SigningCredential
    leader_signature_png: Path
    agency_seal_png: Path


def demo_signing(*, admin: User, ministry: Agency, people: dict[str, User]) -> DemoSigning:
    """Create the demo CA, trust its root, register the leader's and the ministry's
    credentials and draw their images. Runs inside the demo's transaction."""
    now = dt.datetime.now(dt.UTC)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _name("CA gốc thử nghiệm govdoc")
    root = _certificate(root_name, root_key, root_name, root_key, ca=True, now=now, years=10)
    inter_key = ec.generate_private_key(ec.SECP256R1())
    inter_name = _name("CA trung gian thử nghiệm govdoc")
    inter = _certificate(inter_name, inter_key, root_name, root_key, ca=True, now=now, years=5)

    leader = people[LEADER_USERNAME]
    leader_p12 = _end_entity(
        _name(leader.full_name, organization=ministry.name), inter, inter_key, now=now
    )
    agency_p12 = _end_entity(
        _name(ministry.name, organization=ministry.name), inter, inter_key, now=now
    )

    anchor = trust_anchor_add(actor=admin, data=root.public_bytes(serialization.Encoding.PEM))
    leader_credential = credential_register_pkcs12(
        actor=admin,
        p12_bytes=leader_p12,
        password=DEMO_P12_PASSWORD,
        owner_person=leader,
        label="Chứng thư số mẫu của lãnh đạo",
    )
    agency_credential = credential_register_pkcs12(
        actor=admin,
        p12_bytes=agency_p12,
        password=DEMO_P12_PASSWORD,
        owner_agency=ministry,
        label="Chứng thư số mẫu của cơ quan (con dấu)",
    )

    directory = Path(settings.DATA_DIR) / DIRECTORY_NAME
    directory.mkdir(parents=True, exist_ok=True)
    signature_path = directory / f"chu-ky-{LEADER_USERNAME}.png"
    seal_path = directory / f"con-dau-{ministry.organ_id}.png"
    leader_png, seal = signature_png(), seal_png(ministry.abbreviation or ministry.name)
    signature_path.write_bytes(leader_png)
    seal_path.write_bytes(seal)
    # The images go with the credentials too: signing shows them without an upload.
    credential_set_image(actor=admin, credential=leader_credential, png=leader_png)
    credential_set_image(actor=admin, credential=agency_credential, png=seal)
    (directory / f"{LEADER_USERNAME}.p12").write_bytes(leader_p12)
    (directory / f"{ministry.organ_id}.p12").write_bytes(agency_p12)
    return DemoSigning(anchor, leader_credential, agency_credential, signature_path, seal_path)


def _name(common_name: str, *, organization: str = CA_ORGANIZATION) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )


def _certificate(
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Name,
    issuer_key: ec.EllipticCurvePrivateKey,
    *,
    ca: bool,
    now: dt.datetime,
    years: int,
) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(issuer_key, hashes.SHA256())
    )


def _end_entity(
    subject: x509.Name,
    issuer: x509.Certificate,
    issuer_key: ec.EllipticCurvePrivateKey,
    *,
    now: dt.datetime,
) -> bytes:
    """A PKCS#12 file (key, certificate, intermediate) protected with the demo password."""
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = _certificate(subject, key, issuer.subject, issuer_key, ca=False, now=now, years=2)
    return pkcs12.serialize_key_and_certificates(
        name=None,
        key=key,
        cert=certificate,
        cas=[issuer],
        encryption_algorithm=serialization.BestAvailableEncryption(DEMO_P12_PASSWORD.encode()),
    )


def signature_png() -> bytes:
    """A blue handwritten-looking stroke on a transparent background (600 × 250 px)."""
    width, height = 600, 250
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = [
        (
            40 + t * 5.2,
            height / 2 - 60 * math.sin(t / 9) * math.exp(-t / 160) - 25 * math.sin(t / 2.5),
        )
        for t in range(100)
    ]
    draw.line(points, fill=(0, 40, 190, 255), width=7, joint="curve")
    draw.line([(60, 200), (520, 175)], fill=(0, 40, 190, 255), width=5)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(SEAL_DPI, SEAL_DPI))
    return buffer.getvalue()


def seal_png(label: str) -> bytes:
    """A red round seal, 36 mm across at 300 dpi, transparent outside the rings."""
    size = round(SEAL_DIAMETER_MM / 25.4 * SEAL_DPI)
    red = (210, 20, 30, 235)
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, size - 5, size - 5), outline=red, width=12)
    draw.ellipse((40, 40, size - 41, size - 41), outline=red, width=4)
    centre = size / 2
    star = [
        (
            centre + (70 if i % 2 == 0 else 28) * math.sin(i * math.pi / 5),
            centre - 20 - (70 if i % 2 == 0 else 28) * math.cos(i * math.pi / 5),
        )
        for i in range(10)
    ]
    draw.polygon(star, fill=red)
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont = (
        ImageFont.truetype(str(FONT), 48) if FONT.exists() else ImageFont.load_default()
    )
    draw.text((centre, centre + 85), label[:12], fill=red, font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(SEAL_DPI, SEAL_DPI))
    return buffer.getvalue()
