"""Issuing outgoing documents with 8 clerks at once into one book, on PostgreSQL.

    .venv/bin/python benchmarks/bench_issuing.py [--n 200] [--clerks 8]

N drafts are prepared through the services (drafted, approved, signed by the leader with a
PKCS#12 certificate of the generated test PKI). Then `--clerks` threads, each with its own
database connection, issue them at the same moment: `draft_issue` — the number from the
outgoing book and the entry in the register (one transaction), the number and date written
into the signed PDF, the agency's PAdES signature, the issued files stored and the dispatch —
and, on a second set, `draft_number` alone (the part that holds the book's lock). The numbers
are checked: 1..N, no gap, no repeat. Timestamps are off (B-B): no TSA in this run.
"""

from __future__ import annotations

import argparse
import io
import itertools
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

DB_NAME = "govdoc_bench_issuing"


def prepare(count: int) -> tuple[list[int], dict[str, Any], str]:
    from PIL import Image

    from govdoc.documents.models import DocumentType
    from govdoc.documents.seed_types import seed_document_types
    from govdoc.documents.storage import Upload
    from govdoc.organizations.models import Agency, Position, RoleAssignment, Unit, User
    from govdoc.organizations.roles import Role
    from govdoc.outgoing.access import pending_steps_for
    from govdoc.outgoing.bodies import prepare_upload
    from govdoc.outgoing.inputs import DraftInput
    from govdoc.outgoing.services.circuits import draft_submit, step_approve
    from govdoc.outgoing.services.drafts import draft_create
    from govdoc.outgoing.services.signing import draft_sign
    from govdoc.outgoing.tests.conftest import make_draft_pdf
    from govdoc.signatures import services as sig
    from govdoc.signatures.testing_pki import make_test_pki

    seed_document_types(DocumentType)
    ministry = Agency.objects.create(
        organ_id="000.00.00.G12",
        name="Bộ Tài nguyên và Môi trường",
        abbreviation="BTNMT",
        is_hosted=True,
    )
    unit = Unit.objects.create(agency=ministry, name="Vụ Đất đai", abbreviation="ĐĐ")
    office = Unit.objects.create(agency=ministry, name="Văn phòng", abbreviation="VP")
    position = Position.objects.create(agency=ministry, name="Chuyên viên")

    def person(username: str, role: str, unit_: Unit | None) -> User:
        user = User.objects.create_user(
            username=username,
            password="x",
            full_name=username.title(),
            agency=ministry,
            unit=unit_,
            position=position,
        )
        RoleAssignment.objects.create(
            user=user, agency=ministry, role=role, unit=unit_ if role == Role.UNIT_LEADER else None
        )
        return user

    people = {
        "clerk": person("vanthu", Role.CLERK, office),
        "leader": person("lanhdao", Role.AGENCY_LEADER, None),
        "unit_head": person("truongphong", Role.UNIT_LEADER, unit),
        "specialist": person("chuyenvien", Role.SPECIALIST, unit),
        "admin": person("quantri", Role.ADMIN, None),
    }
    pki = make_test_pki()

    def png(colour: tuple[int, int, int, int]) -> bytes:
        buffer = io.BytesIO()
        Image.new("RGBA", (200, 120), colour).save(buffer, format="PNG")
        return buffer.getvalue()

    leader_cred = sig.credential_register_pkcs12(
        actor=people["admin"],
        p12_bytes=pki.person.pkcs12,
        password=pki.password,
        owner_person=people["leader"],
    )
    sig.credential_set_image(
        actor=people["admin"], credential=leader_cred, png=png((20, 40, 200, 160))
    )
    agency_cred = sig.credential_register_pkcs12(
        actor=people["admin"],
        p12_bytes=pki.agency.pkcs12,
        password=pki.password,
        owner_agency=ministry,
    )
    sig.credential_set_image(
        actor=people["admin"], credential=agency_cred, png=png((220, 20, 20, 160))
    )
    doc_type = DocumentType.objects.get(name="Quyết định (cá biệt)")
    ids: list[int] = []
    started = time.perf_counter()
    for index in range(count):
        body = prepare_upload(
            Upload(name=f"du-thao-{index}.pdf", data=make_draft_pdf(f"Du thao {index}"))
        )
        draft = draft_create(
            agency=ministry,
            data=DraftInput(
                document_type_id=doc_type.pk,
                subject=f"Về việc thử nghiệm phát hành số {index}",
                signer_id=people["leader"].pk,
            ),
            actor=people["specialist"],
            body=body,
        )
        draft_submit(draft=draft, actor=people["specialist"])
        for who in ("unit_head", "clerk", "leader"):
            draft.refresh_from_db()
            (step,) = pending_steps_for(people[who], draft)
            step_approve(step=step, actor=people[who])
        draft.refresh_from_db()
        draft_sign(draft=draft, actor=people["leader"], password=pki.password)
        ids.append(draft.pk)
    print(f"prepared {count} signed drafts in {time.perf_counter() - started:.1f} s")
    return ids, people, pki.password


def run(
    ids: list[int], clerks: int, work: Callable[[int], None]
) -> tuple[float, list[float], list[str]]:
    from django.db import connection

    queue = iter(ids)
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    ready = threading.Barrier(clerks + 1)

    def worker() -> None:
        try:
            ready.wait()
            while True:
                with lock:
                    pk = next(queue, None)
                if pk is None:
                    break
                t0 = time.perf_counter()
                try:
                    work(pk)
                except Exception as error:  # reported, the run goes on
                    errors.append(f"{type(error).__name__}: {error}")
                latencies.append(time.perf_counter() - t0)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clerks)]
    for thread in threads:
        thread.start()
    ready.wait()
    t0 = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - t0, latencies, errors


def check_numbers(expected: int) -> str:
    from govdoc.outgoing.models import OutgoingDocument
    from govdoc.registers.models import RegisterEntry

    numbers = sorted(OutgoingDocument.objects.values_list("number", flat=True))
    entries = RegisterEntry.objects.count()
    ok = numbers == list(range(1, expected + 1)) and entries == expected
    gaps = expected - len(set(numbers))
    duplicates = len(numbers) - len(set(numbers))
    verdict = "OK" if ok else "FAILED"
    return (
        f"numbers 1..{expected}: {verdict} (missing {gaps}, duplicates {duplicates}, "
        f"entries {entries})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--clerks", type=int, default=8)
    args = parser.parse_args()
    common.setup_django(DB_NAME)
    common.print_machine()
    from govdoc.outgoing.models import Draft
    from govdoc.outgoing.services.issuing import draft_issue, draft_number

    ids, people, password = prepare(args.n * 2)
    full, numbering = ids[: args.n], ids[args.n :]

    def issue(pk: int) -> None:
        draft_issue(draft=Draft.objects.get(pk=pk), actor=people["clerk"], password=password)

    def number(pk: int) -> None:
        draft_number(draft=Draft.objects.get(pk=pk), actor=people["clerk"])

    seconds, latencies, errors = run(full, args.clerks, issue)
    print(
        f"draft_issue, {args.clerks} clerks, {args.n} documents: {seconds:.2f} s, "
        f"{args.n / seconds:.1f} documents/s; {common.summary_ms(latencies)}; errors {len(errors)}"
    )
    for error in itertools.islice(errors, 5):
        print("  ", error)
    print("  ", check_numbers(args.n))
    seconds, latencies, errors = run(numbering, args.clerks, number)
    print(
        f"draft_number alone, {args.clerks} clerks, {args.n} documents: {seconds:.2f} s, "
        f"{args.n / seconds:.1f} documents/s; {common.summary_ms(latencies)}; errors {len(errors)}"
    )
    print("  ", check_numbers(2 * args.n))


if __name__ == "__main__":
    main()
