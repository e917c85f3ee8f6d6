from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    CLERK = "CLERK", "Văn thư"
    AGENCY_LEADER = "AGENCY_LEADER", "Lãnh đạo cơ quan"
    UNIT_LEADER = "UNIT_LEADER", "Lãnh đạo đơn vị"
    SPECIALIST = "SPECIALIST", "Chuyên viên"
    ADMIN = "ADMIN", "Quản trị hệ thống"
    # The agency archive (lưu trữ cơ quan): takes transferred files, keeps and appraises them.
    ARCHIVIST = "ARCHIVIST", "Lưu trữ cơ quan"
