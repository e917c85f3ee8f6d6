"""Signing and verifying PDFs: govdoc (`sign_pdf`, `verify_pdf`) against bare pyHanko.

    .venv/bin/python benchmarks/bench_signatures.py [--sign 100] [--verify 100] [--rounds 3]

A 10-page PDF is signed `--sign` times, PAdES B-T: ECDSA P-256 key from a PKCS#12 file of the
generated test PKI (`govdoc.signatures.testing_pki`), timestamp from a local RFC 3161 server on
127.0.0.1 (pyHanko's DummyTimeStamper with the test PKI's TSA certificate, RSA 2048 — the
same server as the `tsa_url` fixture of govdoc/signatures/tests/conftest.py, copied here since
a pytest fixture cannot be imported). Then `--verify` signed PDFs (all different) are
verified against the test root. Each is done by govdoc and by bare pyHanko making the same
calls without govdoc's checks and report; the two are interleaved `--rounds` times and the
best round of each is kept. Signatures are invisible (no appearance) in the main comparison;
a second one adds a visible image signature in a box. No database, no Django.
Guide: govdoc's overhead ≤ 20 %.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from asn1crypto import tsp
from common import _cpu_model, _meminfo_gib, load_average
from PIL import Image
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from govdoc.signatures.pades import Appearance, Box, sign_pdf
from govdoc.signatures.pkcs12_provider import Pkcs12Signer
from govdoc.signatures.testing_pki import TestPki, make_test_pki
from govdoc.signatures.verify import verify_pdf

BOX = Box(0, 300, 100, 460, 170)


def ten_page_pdf(pages: int = 10) -> bytes:
    """A plain PDF of `pages` A4 pages, each with 40 lines of text."""
    # 1 catalog, 2 pages, 3 font, then each page and its content stream.
    page_numbers = [4 + 2 * page for page in range(pages)]
    kid_refs = " ".join(f"{n} 0 R" for n in page_numbers)
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kid_refs}] /Count {pages} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for page, number in enumerate(page_numbers):
        lines = " ".join(
            f"BT /F1 11 Tf 60 {780 - 18 * i} Td (Trang {page + 1} dong {i + 1}: van ban thu "
            "nghiem cho phep do ky so) Tj ET"
            for i in range(40)
        ).encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {number + 1} 0 R "
            "/Resources << /Font << /F1 3 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(lines) + lines + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


@contextmanager
def local_tsa(pki: TestPki) -> Iterator[str]:
    chain = SimpleCertificateStore()
    chain.register_multiple(pki.tsa.asn1_chain)
    stamper = DummyTimeStamper(
        tsa_cert=pki.tsa.asn1, tsa_key=pki.tsa.asn1_key, certs_to_embed=chain
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            request = tsp.TimeStampReq.load(self.rfile.read(length))
            body = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (240, 100), (0, 0, 200, 160)).save(buffer, "PNG")
    return buffer.getvalue()


# --- govdoc -------------------------------------------------------------------------------


def govdoc_sign(pdf: bytes, signer: Pkcs12Signer, tsa: str, image: bytes | None) -> bytes:
    return sign_pdf(
        pdf=pdf,
        signer=signer,
        field_name="NguoiKy",
        reason="Ký ban hành văn bản",
        location="Hà Nội",
        appearance=Appearance(box=BOX, image_png=image) if image else None,
        timestamp_url=tsa,
    )


def govdoc_verify(pdf: bytes, pki: TestPki) -> bool:
    return verify_pdf(pdf, roots=[pki.root.asn1]).all_valid


# --- bare pyHanko ---------------------------------------------------------------------------


def bare_sign(pdf: bytes, signer: signers.SimpleSigner, tsa: str, image: bytes | None) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name="NguoiKy",
        reason="Ký ban hành văn bản",
        location="Hà Nội",
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=False,
        use_pades_lta=False,
    )
    spec = style = None
    if image:
        spec = fields.SigFieldSpec(sig_field_name="NguoiKy", on_page=0, box=(300, 100, 460, 170))
        style = StaticStampStyle(
            background=PdfImage(Image.open(io.BytesIO(image)).convert("RGBA")),
            border_width=0,
            background_layout=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MID,
                y_align=AxisAlignment.ALIGN_MID,
                margins=Margins(0, 0, 0, 0),
            ),
        )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        timestamper=timestamps.HTTPTimeStamper(tsa),
        stamp_style=style,
        new_field_spec=spec,
    )
    return bytes(pdf_signer.sign_pdf(writer).getvalue())


def bare_verify(pdf: bytes, pki: TestPki) -> bool:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    ok = True
    for embedded in reader.embedded_signatures:
        context = ValidationContext(
            trust_roots=[pki.root.asn1], allow_fetching=False, revocation_mode="soft-fail"
        )
        status = validate_pdf_signature(embedded, context)
        ok = ok and status.bottom_line
    return ok


def timed(count: int, action: Callable[[int], object]) -> float:
    """Operations per second of `count` calls of action(i)."""
    start = time.perf_counter()
    for i in range(count):
        action(i)
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sign", type=int, default=100, help="signatures per round")
    parser.add_argument("--verify", type=int, default=100, help="signed PDFs verified per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    print("Machine")
    print(f"  nproc         {nproc}")
    print(f"  cpu           {_cpu_model()}")
    print(f"  memory        {_meminfo_gib()}")
    print(f"  python        {sys.version.split()[0]}; pyHanko {version('pyHanko')}")
    print(f"  load average  {load_average()}")
    print(f"  pid           {os.getpid()}")

    pki = make_test_pki()
    pdf = ten_page_pdf()
    image = png()
    govdoc_signer = Pkcs12Signer(pki.person.pkcs12, pki.password)
    bare_signer = signers.SimpleSigner.load_pkcs12_data(
        pki.person.pkcs12, other_certs=(), passphrase=pki.password.encode()
    )
    print(f"\n10-page PDF: {len(pdf):,} bytes; ECDSA P-256 signer, RSA-2048 TSA on 127.0.0.1")

    with local_tsa(pki) as tsa:
        # Warm-up, and the PDFs to verify: each signed separately (different bytes).
        assert len(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Kids"]) == 10
        signed = [govdoc_sign(pdf, govdoc_signer, tsa, None) for _ in range(args.verify)]
        assert govdoc_verify(signed[0], pki) and bare_verify(signed[0], pki)
        report = verify_pdf(signed[0], roots=[pki.root.asn1]).signatures[0]
        assert report.timestamped, "expected PAdES B-T"
        print(f"signed PDF: {len(signed[0]):,} bytes, timestamped (B-T)")
        bare_signed = bare_sign(pdf, bare_signer, tsa, image)
        assert govdoc_verify(bare_signed, pki)

        results: dict[str, list[float]] = {}
        cases: list[tuple[str, int, Callable[[int], object]]] = [
            ("sign B-T, invisible / govdoc", args.sign,
             lambda i: govdoc_sign(pdf, govdoc_signer, tsa, None)),
            ("sign B-T, invisible / pyHanko", args.sign,
             lambda i: bare_sign(pdf, bare_signer, tsa, None)),
            ("sign B-T, image in a box / govdoc", args.sign,
             lambda i: govdoc_sign(pdf, govdoc_signer, tsa, image)),
            ("sign B-T, image in a box / pyHanko", args.sign,
             lambda i: bare_sign(pdf, bare_signer, tsa, image)),
            ("verify / govdoc", args.verify, lambda i: govdoc_verify(signed[i], pki)),
            ("verify / pyHanko", args.verify, lambda i: bare_verify(signed[i], pki)),
        ]  # fmt: skip
        for round_number in range(args.rounds):
            for name, count, action in cases:
                results.setdefault(name, []).append(timed(count, action))
            print(f"round {round_number + 1}/{args.rounds} done (load {load_average()})")

    print(f"\n{'operation':<38} {'best ops/s':>10} {'ms/op':>8}   rounds (ops/s)")
    best = {name: max(values) for name, values in results.items()}
    for name, values in results.items():
        rounds = ", ".join(f"{v:.1f}" for v in values)
        print(f"{name:<38} {best[name]:>10.1f} {1000 / best[name]:>8.2f}   {rounds}")
    print("\ngovdoc's overhead (time per operation, best rounds; guide ≤ 20 %)")
    for label in ("sign B-T, invisible", "sign B-T, image in a box", "verify"):
        ratio = best[f"{label} / pyHanko"] / best[f"{label} / govdoc"]
        verdict = "met" if ratio <= 1.20 else "NOT met"
        print(f"  {label:<28} govdoc/pyHanko = {ratio:.3f} ({(ratio - 1) * 100:+.1f} %) {verdict}")
    print(f"\nload average at the end: {load_average()}")


if __name__ == "__main__":
    main()
