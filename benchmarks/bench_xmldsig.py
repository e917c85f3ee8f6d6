"""XML-DSig signing and verification of an edXML packet (`govdoc.exchange.xmldsig`).

    .venv/bin/python benchmarks/bench_xmldsig.py [--n 200] [--rounds 3] [--size 102400]

The packet is the test suite's sample document (two recipients, every header part) built by
`build_document_packet` with one attachment of `--size` random bytes (incompressible, like a
scanned PDF), zipped and base64-encoded as govdoc sends it (about 139 KB of XML for 100 KB).
The agency's key is RSA-2048 with a certificate under the generated test PKI (root →
intermediate → agency), the chain in `KeyInfo`. Timed, `--n` operations per round, best of
`--rounds`, wall time (`perf_counter`) and CPU time of this process (`process_time`):

- sign: `sign_packet` with the `cryptography` RSA key;
- sign (device key): `sign_packet_with_signer` with the same key opened as a PKCS#12
  `Signer` (the key signs through pyHanko, then the packet is checked before it leaves);
- verify: `verify_packet` against the test root (parse, structure, chain, digest, signature);
- verify, signxml only: signxml's `XMLVerifier` alone on the same bytes (its own parse, no
  chain), the reference the fast path is compared with.

No database, no Django settings (times are passed explicitly).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import print_machine_lxml, scanned_document
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from govdoc.exchange.edxml import build_document_packet
from govdoc.exchange.xmldsig import sign_packet, sign_packet_with_signer, verify_packet
from govdoc.signatures.testing_pki import issue_certificate, make_test_pki

PASSWORD = "mat-khau-bench"


def best_ms(action: Callable[[], object], n: int, rounds: int) -> tuple[float, float]:
    """(wall, CPU) milliseconds per operation, each the best round."""
    wall = cpu = float("inf")
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        for _ in range(n):
            action()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall / n * 1000, cpu / n * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=200, help="operations per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--size", type=int, default=100 * 1024, help="attachment bytes")
    args = parser.parse_args()
    os.environ.pop("DJANGO_SETTINGS_MODULE", None)

    from signxml.verifier import XMLVerifier

    from govdoc.signatures.pkcs12_provider import Pkcs12Signer

    now = dt.datetime.now(dt.UTC)
    pki = make_test_pki()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Văn phòng Chính phủ"),
            x509.NameAttribute(NameOID.USER_ID, "MĐĐT:000.00.00.G22"),
        ]
    )
    certificate = issue_certificate(
        key.public_key(),
        subject=subject,
        issuer=pki.intermediate,
        not_before=now - dt.timedelta(days=1),
        not_after=now + dt.timedelta(days=365),
    )
    chain = (pki.intermediate.certificate,)
    roots = [pki.root.certificate]
    signer = Pkcs12Signer(
        pkcs12.serialize_key_and_certificates(
            name=b"agency",
            key=key,
            cert=certificate,
            cas=list(chain),
            encryption_algorithm=serialization.BestAvailableEncryption(PASSWORD.encode()),
        ),
        PASSWORD,
    )

    unsigned = build_document_packet(scanned_document(args.size))

    def sign() -> bytes:
        return sign_packet(unsigned, key=key, certificate=certificate, chain=chain, now=now)

    def sign_device() -> bytes:
        return sign_packet_with_signer(unsigned, signer=signer, now=now)

    signed = sign()
    assert verify_packet(signed, trust_roots=roots, at=now).certificate == certificate
    assert verify_packet(sign_device(), trust_roots=roots, at=now).certificate == certificate

    def verify() -> object:
        return verify_packet(signed, trust_roots=roots, at=now)

    def verify_signxml() -> object:
        return XMLVerifier().verify(signed, x509_cert=certificate, expect_references=1)

    print("XML-DSig sign and verify (benchmarks/bench_xmldsig.py)")
    print_machine_lxml()
    print(f"  packet        {len(signed) / 1024:.0f} KiB signed ({args.size} byte attachment)")
    print(f"  runs          {args.n} per round, best of {args.rounds}")
    print()
    print(f"  {'':<26} {'wall':>9} {'CPU':>9}")
    for name, action, n in (
        ("sign", sign, args.n),
        ("sign (device key)", sign_device, max(1, args.n // 4)),
        ("verify", verify, args.n),
        ("verify, signxml only", verify_signxml, args.n),
    ):
        wall, cpu = best_ms(action, n, args.rounds)
        print(f"  {name:<26} {wall:6.2f} ms {cpu:6.2f} ms")


if __name__ == "__main__":
    main()
