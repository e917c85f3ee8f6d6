"""Review and approval circuits: steps in sequence (stages) or in parallel (the same stage);
the content approved by the drafting unit's leader, the form and technique by the clerk (or a
legal unit), then the signer's approval. Default circuits per document type come from the
administrator (CircuitTemplate) or, without one, the built-in content → form → signer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from govdoc.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from govdoc.notifications.services import notify
from govdoc.organizations.access import acting_for_ids, has_role, roles_in, unit_leaders
from govdoc.organizations.models import Agency, User
from govdoc.organizations.roles import Role
from govdoc.outgoing.inputs import StepInput
from govdoc.outgoing.models import (
    ApprovalStep,
    CircuitTemplate,
    CircuitTemplateStep,
    Draft,
)
from govdoc.outgoing.selectors import agency_clerks
from govdoc.outgoing.services.common import (
    clean,
    current_version,
    history,
    journal,
    last_version_number,
    locked,
    move,
    name_of,
)
from govdoc.outgoing.workflow import AssigneeRule, DraftStatus, StepKind, StepStatus

POOL_ROLES = (Role.CLERK,)
NO_BODY = "Dự thảo chưa có nội dung: hãy tải lên hoặc tạo từ mẫu trước khi trình."
NO_PDF = "Chưa có bản PDF của dự thảo (chuyển đổi DOCX không thành công): hãy tải lên bản PDF."


@dataclass(frozen=True)
class PlannedStep:
    stage: int
    kind: str
    assignee: User | None
    assignee_role: str = ""


# --- the default circuit ---------------------------------------------------------------------


def _template_for(draft: Draft) -> CircuitTemplate | None:
    return (
        CircuitTemplate.objects.filter(
            agency_id=draft.agency_id, document_type=draft.document_type_id
        ).first()
        or CircuitTemplate.objects.filter(
            agency_id=draft.agency_id, document_type__isnull=True
        ).first()
    )


BUILT_IN: tuple[tuple[int, str, str], ...] = (
    (1, StepKind.CONTENT, AssigneeRule.DRAFTING_UNIT_LEADER),
    (2, StepKind.FORM, AssigneeRule.CLERK),
    (3, StepKind.SIGNER, AssigneeRule.SIGNER),
)


def planned_circuit(draft: Draft) -> list[PlannedStep]:
    """The default steps for this draft; the signer's approval is always the last stage."""
    template = _template_for(draft)
    rows: list[tuple[int, str, str, User | None, int | None]] = (
        [
            (s.stage, s.kind, s.rule, s.person, s.unit_id)
            for s in template.steps.select_related("person")
        ]
        if template is not None
        else [(stage, kind, rule, None, None) for stage, kind, rule in BUILT_IN]
    )
    planned: list[PlannedStep] = []
    for stage, kind, rule, person, unit_id in rows:
        if rule == AssigneeRule.SIGNER:
            continue
        if rule == AssigneeRule.CLERK:
            planned.append(
                PlannedStep(stage=stage, kind=kind, assignee=None, assignee_role=Role.CLERK)
            )
            continue
        assignee: User | None = None
        if rule == AssigneeRule.PERSON:
            assignee = person
        else:
            unit = draft.drafting_unit_id if rule == AssigneeRule.DRAFTING_UNIT_LEADER else unit_id
            assignee = (
                unit_leaders([unit]).filter(agency_id=draft.agency_id).order_by("pk").first()
                if unit
                else None
            )
        if assignee is None:
            # Nobody holds that place: the step is left out rather than stuck, and the
            # draft's history says so (draft_submit).
            planned.append(PlannedStep(stage=stage, kind=kind, assignee=None, assignee_role=""))
            continue
        if assignee.pk in (draft.drafter_id, draft.signer_id) and kind == StepKind.CONTENT:
            continue  # a unit leader drafting, or the signer, does not approve their own content
        planned.append(PlannedStep(stage=stage, kind=kind, assignee=assignee))
    last = max((step.stage for step in planned), default=0)
    planned.append(PlannedStep(stage=last + 1, kind=StepKind.SIGNER, assignee=draft.signer))
    return planned


def _create_steps(draft: Draft, planned: Iterable[PlannedStep], *, actor: Any) -> None:
    ApprovalStep.objects.bulk_create(
        [
            ApprovalStep(
                draft=draft,
                stage=step.stage,
                kind=step.kind,
                assignee=step.assignee,
                assignee_role=step.assignee_role,
                added_by=actor,
                status=StepStatus.WAITING,
            )
            for step in planned
        ]
    )


# --- moving through the circuit --------------------------------------------------------------


def _activate_next(draft: Draft, *, actor: Any) -> list[ApprovalStep]:
    """Open the first stage that is not wholly approved; when none is left the draft is
    approved. Returns the steps opened."""
    open_steps = list(
        ApprovalStep.objects.filter(draft=draft)
        .exclude(status=StepStatus.APPROVED)
        .order_by("stage", "pk")
    )
    if not open_steps:
        move(draft, action="approve_all", actor=actor, note="Đã duyệt đủ các bước: chờ ký.")
        _notify(
            [draft.signer],
            draft,
            kind="outgoing.to_sign",
            title=f"Dự thảo chờ ký: {draft.subject[:150]}",
        )
        return []
    stage = open_steps[0].stage
    opened = [
        step for step in open_steps if step.stage == stage and step.status != StepStatus.PENDING
    ]
    if opened:
        ApprovalStep.objects.filter(pk__in=[s.pk for s in opened]).update(status=StepStatus.PENDING)
    _notify_steps(draft, opened)
    return opened


def _notify_steps(draft: Draft, steps: list[ApprovalStep]) -> None:
    people: list[Any] = [step.assignee for step in steps if step.assignee is not None]
    if any(step.assignee_id is None for step in steps):
        people.extend(agency_clerks(draft.agency_id))
    kinds = {StepKind(step.kind).label for step in steps}
    _notify(
        people,
        draft,
        kind="outgoing.review",
        title=f"Dự thảo chờ {', '.join(sorted(kinds)).lower()}: {draft.subject[:150]}",
    )


def _notify(people: Iterable[Any], draft: Draft, *, kind: str, title: str, body: str = "") -> None:
    notify(
        recipients=people,
        kind=kind,
        title=title,
        body=body,
        url=reverse("outgoing:draft_detail", args=[draft.pk]),
        agency_id=draft.agency_id,
    )


def draft_submit(*, draft: Draft, actor: Any, note: str = "") -> Draft:
    """The drafter sends the draft into its circuit (again, after a return)."""
    if draft.drafter_id != getattr(actor, "pk", None):
        raise Forbidden("Chỉ người soạn thảo được trình dự thảo.")
    with transaction.atomic():
        current = locked(draft)
        version = current_version(current)
        if version is None:
            raise ValidationFailed(NO_BODY, fields={"body": NO_BODY})
        if version.pdf_id is None:
            raise ValidationFailed(NO_PDF, fields={"body": NO_PDF})
        if not current.steps.exists():
            planned = planned_circuit(current)
            for left_out in [p for p in planned if p.assignee is None and not p.assignee_role]:
                history(
                    current,
                    actor=actor,
                    action="step_skipped",
                    note=f"Bỏ qua bước “{StepKind(left_out.kind).label}” của quy trình mặc "
                    "định: chưa có người đảm nhiệm.",
                )
            _create_steps(
                current, [p for p in planned if p.assignee or p.assignee_role], actor=actor
            )
        else:
            # After a return: the steps not approved (and the signer's) are taken again.
            current.steps.exclude(status=StepStatus.APPROVED).update(status=StepStatus.WAITING)
            reset_signer_steps(current)
        move(
            current,
            action="submit",
            actor=actor,
            note=note.strip(),
            data={"version": version.number},
            # The first submission counts (reports measure from it); later ones are in
            # the history.
            extra={"submitted_at": current.submitted_at or timezone.now()},
        )
        _activate_next(current, actor=actor)
    return current


def _step_for_actor(step: ApprovalStep, actor: Any) -> Any:
    """The person on whose behalf the actor decides (None: themselves); refuses others."""
    agency_id = step.draft.agency_id
    if step.assignee_id is None:
        if step.assignee_role and step.assignee_role in roles_in(actor, agency_id):
            return None
        raise Forbidden("Bước này dành cho văn thư của cơ quan.")
    if step.assignee_id == actor.pk:
        return None
    if step.assignee_id in acting_for_ids(actor, agency_id):
        return step.assignee
    raise Forbidden("Bạn không phải người duyệt bước này.")


def _locked_step(step: ApprovalStep) -> tuple[Draft, ApprovalStep]:
    draft = locked(step.draft)
    fresh = ApprovalStep.objects.select_related("assignee").get(pk=step.pk)
    fresh.draft = draft
    if draft.status != DraftStatus.IN_REVIEW or fresh.status != StepStatus.PENDING:
        raise Conflict("Bước duyệt này đã được xử lý hoặc dự thảo không còn chờ duyệt.")
    return draft, fresh


def step_approve(*, step: ApprovalStep, actor: Any, note: str = "") -> ApprovalStep:
    """Approve one step; the next stage opens when the whole stage is approved."""
    with transaction.atomic():
        draft, current = _locked_step(step)
        on_behalf_of = _step_for_actor(current, actor)
        number = last_version_number(draft)
        updated = ApprovalStep.objects.filter(pk=current.pk, status=StepStatus.PENDING).update(
            status=StepStatus.APPROVED,
            decided_by=actor,
            on_behalf_of=on_behalf_of,
            decided_at=timezone.now(),
            decided_version=number,
            note=note.strip()[:1000],
        )
        if updated != 1:
            raise Conflict("Bước duyệt này vừa được xử lý.")
        current.refresh_from_db()
        label = StepKind(current.kind).label
        history(
            draft,
            actor=actor,
            action="approve",
            note=note.strip() or label,
            on_behalf_of=on_behalf_of,
            data={"step": current.pk, "kind": current.kind, "version": number},
        )
        journal(
            draft,
            actor=actor,
            action="approve",
            data={"step": current.pk, "kind": current.kind, "version": number},
        )
        stage_open = ApprovalStep.objects.filter(draft=draft, stage=current.stage).exclude(
            status=StepStatus.APPROVED
        )
        if not stage_open.exists():
            _activate_next(draft, actor=actor)
    return current


def step_return(*, step: ApprovalStep, actor: Any, reason: str) -> ApprovalStep:
    """Send the draft back to its drafter for revision, with the reason."""
    text = reason.strip()
    if not text:
        raise ValidationFailed(
            "Vui lòng ghi lý do trả lại.", fields={"reason": "Vui lòng ghi lý do trả lại."}
        )
    with transaction.atomic():
        draft, current = _locked_step(step)
        on_behalf_of = _step_for_actor(current, actor)
        ApprovalStep.objects.filter(pk=current.pk).update(
            status=StepStatus.RETURNED,
            decided_by=actor,
            on_behalf_of=on_behalf_of,
            decided_at=timezone.now(),
            decided_version=last_version_number(draft),
            note=text[:1000],
        )
        ApprovalStep.objects.filter(draft=draft, status=StepStatus.PENDING).update(
            status=StepStatus.WAITING
        )
        move(
            draft,
            action="return",
            actor=actor,
            note=text,
            on_behalf_of=on_behalf_of,
            data={"step": current.pk, "kind": current.kind},
        )
        _notify(
            [draft.drafter],
            draft,
            kind="outgoing.returned",
            title=f"Dự thảo bị trả lại để sửa: {draft.subject[:150]}",
            body=f"{name_of(actor)}: {text[:500]}",
        )
        current.refresh_from_db()
    return current


def draft_return_by_signer(*, draft: Draft, actor: Any, reason: str) -> Draft:
    """The signer sends an approved draft back instead of signing it."""
    text = reason.strip()
    if not text:
        raise ValidationFailed(
            "Vui lòng ghi lý do trả lại.", fields={"reason": "Vui lòng ghi lý do trả lại."}
        )
    if draft.signer_id not in acting_for_ids(actor, draft.agency_id):
        raise Forbidden("Chỉ người ký được trả lại dự thảo đã duyệt.")
    with transaction.atomic():
        current = locked(draft)
        if current.status != DraftStatus.APPROVED:
            raise InvalidTransition("Dự thảo chưa chờ ký: người ký trả lại ở bước duyệt của mình.")
        reset_signer_steps(current)
        move(current, action="return", actor=actor, note=text)
        _notify(
            [current.drafter],
            current,
            kind="outgoing.returned",
            title=f"Dự thảo bị trả lại để sửa: {current.subject[:150]}",
            body=f"{name_of(actor)}: {text[:500]}",
        )
    return current


def reset_signer_steps(draft: Draft) -> None:
    """The signer's approval no longer holds (the draft changed): they approve again."""
    ApprovalStep.objects.filter(draft=draft, kind=StepKind.SIGNER).exclude(
        status=StepStatus.WAITING
    ).update(status=StepStatus.WAITING, decided_at=None, decided_version=None)
    if draft.status == DraftStatus.IN_REVIEW:
        open_stage = (
            ApprovalStep.objects.filter(draft=draft, status=StepStatus.PENDING)
            .exclude(kind=StepKind.SIGNER)
            .exists()
        )
        if not open_stage:
            remaining = ApprovalStep.objects.filter(draft=draft).exclude(status=StepStatus.APPROVED)
            first = remaining.order_by("stage").first()
            if first is not None:
                remaining.filter(stage=first.stage).update(status=StepStatus.PENDING)


def signer_changed(draft: Draft, *, actor: Any) -> None:
    """The proposed signer changed: the signer's steps now wait for the new one."""
    ApprovalStep.objects.filter(draft=draft, kind=StepKind.SIGNER).update(assignee=draft.signer)


def step_add(*, draft: Draft, data: StepInput, actor: Any) -> ApprovalStep:
    """An ad hoc step the drafter adds to the circuit (before the signer's stage)."""
    if draft.drafter_id != getattr(actor, "pk", None):
        raise Forbidden("Chỉ người soạn thảo được thêm bước duyệt.")
    if data.kind not in StepKind.values or data.kind == StepKind.SIGNER:
        raise ValidationFailed(
            "Loại bước duyệt không hợp lệ.", fields={"kind": "Chọn loại bước duyệt."}
        )
    assignee: User | None = None
    role = ""
    if data.assignee_id:
        assignee = User.objects.filter(
            pk=data.assignee_id, agency_id=draft.agency_id, is_active=True
        ).first()
        if assignee is None:
            raise ValidationFailed(
                "Người duyệt không thuộc cơ quan.", fields={"assignee": "Chọn người trong cơ quan."}
            )
    elif data.assignee_role in POOL_ROLES:
        role = data.assignee_role
    else:
        raise ValidationFailed(
            "Vui lòng chọn người duyệt.", fields={"assignee": "Vui lòng chọn người duyệt."}
        )
    if data.stage < 1:
        raise ValidationFailed("Lượt duyệt không hợp lệ.", fields={"stage": "Lượt từ 1 trở lên."})
    with transaction.atomic():
        current = locked(draft)
        if current.status not in (
            DraftStatus.DRAFTING,
            DraftStatus.RETURNED,
            DraftStatus.IN_REVIEW,
        ):
            raise InvalidTransition("Không thêm bước duyệt khi dự thảo đã duyệt xong.")
        if not current.steps.exists():
            planned = [p for p in planned_circuit(current) if p.assignee or p.assignee_role]
            _create_steps(current, planned, actor=actor)
        signer_stage = (
            current.steps.filter(kind=StepKind.SIGNER).aggregate(s=Max("stage"))["s"] or 1
        )
        if data.stage >= signer_stage:
            # Keep the signer last: move the signer's stage after the new step.
            current.steps.filter(kind=StepKind.SIGNER).update(stage=data.stage + 1)
        active = current.steps.filter(status=StepStatus.PENDING).aggregate(s=Max("stage"))["s"]
        if active is not None and data.stage < active:
            raise ValidationFailed(
                "Lượt này đã qua: chọn lượt đang duyệt hoặc sau đó.",
                fields={"stage": f"Chọn lượt từ {active} trở đi."},
            )
        status = (
            StepStatus.PENDING
            if active is not None and data.stage == active
            else StepStatus.WAITING
        )
        step = ApprovalStep.objects.create(
            draft=current,
            stage=data.stage,
            kind=data.kind,
            assignee=assignee,
            assignee_role=role,
            status=status,
            is_ad_hoc=True,
            added_by=actor,
        )
        history(
            current,
            actor=actor,
            action="add_step",
            data={
                "step": step.pk,
                "kind": data.kind,
                "stage": data.stage,
                "assignee": name_of(assignee) or role,
            },
        )
        journal(current, actor=actor, action="add_step", data={"step": step.pk})
        if status == StepStatus.PENDING:
            _notify_steps(current, [step])
    return step


# --- default circuits (administrator) --------------------------------------------------------


@dataclass(frozen=True)
class TemplateStepInput:
    stage: int
    kind: str
    rule: str
    person_id: int | None = None
    unit_id: int | None = None


def circuit_template_save(
    *,
    agency: Agency,
    document_type_id: int | None,
    name: str,
    steps: list[TemplateStepInput],
    actor: Any,
) -> CircuitTemplate:
    """Set the default circuit of a document type (or of every type without its own)."""
    if not has_role(actor, agency.pk, Role.ADMIN):
        raise Forbidden("Chỉ quản trị của cơ quan được đặt quy trình duyệt mặc định.")
    fields: dict[str, str] = {}
    title = clean(name)
    if not title:
        fields["name"] = "Vui lòng đặt tên quy trình."
    if not steps:
        fields["steps"] = "Quy trình cần ít nhất một bước."
    rows: list[CircuitTemplateStep] = []
    for index, item in enumerate(steps, start=1):
        problem = ""
        if item.kind not in StepKind.values:
            problem = "loại bước không hợp lệ"
        elif item.rule not in AssigneeRule.values:
            problem = "người duyệt không hợp lệ"
        elif item.stage < 1:
            problem = "lượt từ 1 trở lên"
        elif (
            item.rule == AssigneeRule.PERSON
            and not User.objects.filter(pk=item.person_id or 0, agency=agency).exists()
        ):
            problem = "chọn một người của cơ quan"
        elif (
            item.rule == AssigneeRule.UNIT_LEADER
            and not agency.units.filter(pk=item.unit_id or 0).exists()
        ):
            problem = "chọn một đơn vị của cơ quan"
        if problem:
            fields.setdefault("steps", f"Bước {index}: {problem}.")
        rows.append(
            CircuitTemplateStep(
                stage=item.stage,
                kind=item.kind,
                rule=item.rule,
                person_id=item.person_id if item.rule == AssigneeRule.PERSON else None,
                unit_id=item.unit_id if item.rule == AssigneeRule.UNIT_LEADER else None,
            )
        )
    if fields:
        raise ValidationFailed("Quy trình chưa hợp lệ.", fields=fields)
    with transaction.atomic():
        template, _created = CircuitTemplate.objects.update_or_create(
            agency=agency,
            document_type_id=document_type_id,
            defaults={"name": title[:200], "updated_at": timezone.now()},
        )
        template.steps.all().delete()
        for row in rows:
            row.template = template
        CircuitTemplateStep.objects.bulk_create(rows)
        from govdoc.audit.services import audit_record

        audit_record(
            actor=actor,
            action="outgoing.circuit_template",
            target=template,
            agency_id=agency.pk,
            data={
                "document_type": document_type_id,
                "steps": [[r.stage, r.kind, r.rule, r.person_id, r.unit_id] for r in rows],
            },
        )
    return template
