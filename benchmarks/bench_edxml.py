"""edXML packets: build + parse of a document packet with a 1 MB attachment, against a bare
lxml parse of the same bytes.

    .venv/bin/python benchmarks/bench_edxml.py [--n 50] [--rounds 3] [--size 1048576]

The packet is the test suite's sample document (two recipients, every header part) with
one attachment of `--size` random bytes (incompressible, like a scanned PDF), zipped and
base64-encoded as govdoc sends it (about 1.4 MB of XML). Timed, `--n` times per round,
best of `--rounds`:

- build: `build_document_packet` (zip + base64 + lxml serialisation);
- parse: `parse_packet` (hardened lxml parse, size/depth checks, typed dataclasses,
  base64 decode, unzip with caps, SHA-free);
- build + parse: one after the other (what a local exchange costs);
- bare lxml: `etree.fromstring(data)` of the same bytes with lxml's default parser;
- bare lxml + decode: that plus `base64` decoding and unzipping the attachment, the least
  any reader must do to get the file.

No database, no Django settings (the caps are the defaults).
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import print_machine_lxml, scanned_document
from lxml import etree

from govdoc.exchange.edxml import Limits, build_document_packet, parse_packet

NS = "{http://www.mic.gov.vn/TBT/QCVN_102_2016}"


def best_rate(action: Callable[[], object], n: int, rounds: int) -> float:
    """Operations per second, best round."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(n):
            action()
        best = min(best, time.perf_counter() - start)
    return n / best


def bare_decode(data: bytes) -> bytes:
    root = etree.fromstring(data)
    encoded = root.find(f"{NS}AttachmentEncoded/{NS}Attachment/{NS}ContentTransferEncoded")
    payload = base64.b64decode(encoded.text)
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        return archive.read(archive.namelist()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=50, help="packets per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--size", type=int, default=1024 * 1024, help="attachment bytes")
    args = parser.parse_args()
    os.environ.pop("DJANGO_SETTINGS_MODULE", None)

    packet = scanned_document(args.size)
    content = packet.attachments[0].data
    limits = Limits()
    data = build_document_packet(packet)
    assert parse_packet(data, limits=limits) == packet
    assert bare_decode(data) == content

    print("edXML build + parse (benchmarks/bench_edxml.py)")
    print_machine_lxml()
    print(f"  packet        {len(data) / 1024 / 1024:.2f} MB ({args.size} byte attachment)")
    print(f"  runs          {args.n} per round, best of {args.rounds}")
    build = best_rate(lambda: build_document_packet(packet), args.n, args.rounds)
    parse = best_rate(lambda: parse_packet(data, limits=limits), args.n, args.rounds)
    both = best_rate(
        lambda: parse_packet(build_document_packet(packet), limits=limits), args.n, args.rounds
    )
    bare = best_rate(lambda: etree.fromstring(data), args.n, args.rounds)
    decode = best_rate(lambda: bare_decode(data), args.n, args.rounds)
    print()
    print(f"  {'build':<22} {build:8.1f} packets/s")
    print(f"  {'parse':<22} {parse:8.1f} packets/s")
    print(f"  {'build + parse':<22} {both:8.1f} packets/s")
    print(f"  {'bare lxml':<22} {bare:8.1f} parses/s")
    print(f"  {'bare lxml + decode':<22} {decode:8.1f} parses/s")
    print()
    print(f"  parse / bare lxml           {bare / parse:5.2f}× the time")
    print(f"  parse / bare lxml + decode  {decode / parse:5.2f}× the time")
    print(f"  build + parse / bare lxml   {bare / both:5.2f}× the time")


if __name__ == "__main__":
    main()
