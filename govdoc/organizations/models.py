"""Agencies, their units, positions, people, roles and delegations."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from govdoc.core.models import TimeStampedModel
from govdoc.organizations.codes import validate_organ_id
from govdoc.organizations.roles import Role


class Agency(TimeStampedModel):
    """An agency with its identifier code. `is_hosted` marks agencies that work on this
    installation; the others are directory entries (issuers and recipients)."""

    organ_id = models.CharField(
        "mã định danh", max_length=13, unique=True, validators=[validate_organ_id]
    )
    name = models.CharField("tên cơ quan", max_length=200)
    abbreviation = models.CharField("chữ viết tắt", max_length=20, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="cơ quan cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    address = models.CharField("địa chỉ", max_length=300, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    phone = models.CharField("điện thoại", max_length=50, blank=True)
    is_hosted = models.BooleanField("dùng govdoc trên hệ thống này", default=False)
    is_active = models.BooleanField("đang hoạt động", default=True)

    class Meta:
        ordering = ["organ_id"]
        verbose_name = "cơ quan"
        verbose_name_plural = "cơ quan"

    def __str__(self) -> str:
        return self.name


class Unit(TimeStampedModel):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self",
        verbose_name="đơn vị cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField("tên đơn vị", max_length=200)
    abbreviation = models.CharField("chữ viết tắt", max_length=20)
    is_active = models.BooleanField("đang hoạt động", default=True)

    class Meta:
        ordering = ["agency_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "abbreviation"], name="unit_abbreviation_unique_in_agency"
            )
        ]
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"

    def __str__(self) -> str:
        return self.name


class Position(TimeStampedModel):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="positions")
    name = models.CharField("tên chức vụ", max_length=100)
    rank = models.PositiveSmallIntegerField("thứ tự", default=100)

    class Meta:
        ordering = ["agency_id", "rank", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="position_unique_in_agency")
        ]
        verbose_name = "chức vụ"
        verbose_name_plural = "chức vụ"

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person. Belongs to one agency (and optionally one unit) as their home."""

    full_name = models.CharField("họ và tên", max_length=150, blank=True)
    phone = models.CharField("điện thoại", max_length=50, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    position = models.ForeignKey(
        Position,
        verbose_name="chức vụ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def __str__(self) -> str:
        return self.display_name


class RoleAssignment(TimeStampedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="role_assignments")
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    # For a unit leader: the unit they lead.
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"],
                condition=Q(unit__isnull=True),
                name="role_unique_without_unit",
            ),
            models.UniqueConstraint(
                fields=["user", "agency", "role", "unit"],
                condition=Q(unit__isnull=False),
                name="role_unique_with_unit",
            ),
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="role_assignment_role_valid"
            ),
        ]
        verbose_name = "vai trò"
        verbose_name_plural = "vai trò"

    def __str__(self) -> str:
        return f"{self.user} — {Role(self.role).label}"


class Delegation(TimeStampedModel):
    """A leader's authority given to another person for a period and a scope."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="delegations")
    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_given"
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_received"
    )
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    scope = models.CharField("phạm vi", max_length=300, blank=True)
    reason = models.CharField("lý do", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="delegation_period_valid"
            ),
            models.CheckConstraint(
                condition=~Q(delegator=models.F("delegate")), name="delegation_not_to_self"
            ),
        ]
        verbose_name = "ủy quyền"
        verbose_name_plural = "ủy quyền"

    def __str__(self) -> str:
        period = f"{self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y}"
        return f"{self.delegator} → {self.delegate} ({period})"
