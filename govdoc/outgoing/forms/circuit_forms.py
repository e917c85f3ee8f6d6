"""The administrator's default circuit of a document type: a name and rows of steps
(s0-stage, s0-kind, s0-rule, s0-person, s0-unit); blank rows are ignored."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from govdoc.outgoing.models import CircuitTemplateStep
from govdoc.outgoing.services.circuits import BUILT_IN, TemplateStepInput
from govdoc.outgoing.workflow import AssigneeRule, StepKind

ROW_KEY = re.compile(r"^s(\d{1,2})-kind$")
MAX_ROWS = 30
EXTRA_ROWS = 2


@dataclass
class StepRow:
    index: int
    stage: str = ""
    kind: str = ""
    rule: str = ""
    person_id: int | None = None
    unit_id: int | None = None

    @property
    def blank(self) -> bool:
        return not (self.kind or self.rule)


@dataclass
class StepRows:
    rows: list[StepRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def inputs(self) -> list[TemplateStepInput]:
        return [
            TemplateStepInput(
                stage=int(row.stage) if row.stage.isdigit() else 0,
                kind=row.kind,
                rule=row.rule,
                person_id=row.person_id,
                unit_id=row.unit_id,
            )
            for row in self.rows
            if not row.blank
        ]

    def with_blanks(self, extra: int = EXTRA_ROWS) -> list[StepRow]:
        shown = [row for row in self.rows if not row.blank]
        start = max((row.index for row in self.rows), default=-1) + 1
        return shown + [StepRow(index=start + i) for i in range(extra)]


def _int(raw: Any) -> int | None:
    text = str(raw or "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


def parse_steps(data: Mapping[str, Any]) -> StepRows:
    indexes = sorted({int(m.group(1)) for key in data if (m := ROW_KEY.match(str(key)))})
    parsed = StepRows()
    for index in indexes[:MAX_ROWS]:
        prefix = f"s{index}-"
        row = StepRow(
            index=index,
            stage=str(data.get(prefix + "stage", "") or "").strip(),
            kind=str(data.get(prefix + "kind", "") or "").strip(),
            rule=str(data.get(prefix + "rule", "") or "").strip(),
            person_id=_int(data.get(prefix + "person")),
            unit_id=_int(data.get(prefix + "unit")),
        )
        if row.blank:
            continue
        parsed.rows.append(row)
        number = len(parsed.rows)
        if not row.stage.isdigit():
            parsed.errors.append(f"Bước {number}: ghi lượt bằng số (1, 2, …).")
        elif not row.kind or not row.rule:
            parsed.errors.append(f"Bước {number}: chọn loại bước và người duyệt.")
    return parsed


def rows_of(steps: Iterable[CircuitTemplateStep]) -> StepRows:
    return StepRows(
        rows=[
            StepRow(
                index=index,
                stage=str(step.stage),
                kind=step.kind,
                rule=step.rule,
                person_id=step.person_id,
                unit_id=step.unit_id,
            )
            for index, step in enumerate(steps)
        ]
    )


def built_in_rows() -> StepRows:
    """The circuit used when the administrator set none: content → form → signer."""
    return StepRows(
        rows=[
            StepRow(index=index, stage=str(stage), kind=kind, rule=rule)
            for index, (stage, kind, rule) in enumerate(BUILT_IN)
        ]
    )


KIND_CHOICES = list(StepKind.choices)
RULE_CHOICES = list(AssigneeRule.choices)
