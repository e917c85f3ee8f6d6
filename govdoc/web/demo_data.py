"""Word lists of the demo installation: the ministry, its units and people, a directory of
other agencies, and the pieces incoming documents are made of.

The identifier codes follow the real format (`XXX.XX.XX.Y99`) and the examples of DOMAIN.md
(G09 Bộ Nội vụ, G22 Văn phòng Chính phủ, H41 Nghệ An); the other codes are illustrative.
"""

from __future__ import annotations

from dataclasses import dataclass

from govdoc.organizations.roles import Role

PASSWORD = "govdoc-demo"


@dataclass(frozen=True)
class AgencySpec:
    organ_id: str
    name: str
    abbreviation: str
    # Which signers and drafting units the agency has (see SIGNER_TITLES, DRAFTING_UNITS).
    kind: str
    # Where the agency works, for subjects such as "… trên địa bàn tỉnh Nghệ An".
    place: str = ""
    parent: str = ""
    address: str = ""
    # Roughly how many documents the agency issues per day (its numbers grow with the year).
    per_day: int = 10


@dataclass(frozen=True)
class AccountSpec:
    username: str
    full_name: str
    role: str
    position: str
    unit: str = ""
    email: str = ""
    # Shown next to the account when it is not the ministry's.
    agency_name: str = ""


MINISTRY = AgencySpec(
    organ_id="000.00.00.G12",
    name="Bộ Tài nguyên và Môi trường",
    abbreviation="BTNMT",
    kind="ministry",
    address="10 Tôn Thất Thuyết, Nam Từ Liêm, Hà Nội",
)

GENERAL_DEPARTMENT = AgencySpec(
    organ_id="000.00.18.G12",
    name="Tổng cục Quản lý đất đai",
    abbreviation="TCQLĐĐ",
    kind="general_department",
    parent=MINISTRY.organ_id,
    address="10 Tôn Thất Thuyết, Nam Từ Liêm, Hà Nội",
    per_day=12,
)

# (name, abbreviation) of the ministry's units.
UNITS: list[tuple[str, str]] = [
    ("Văn phòng Bộ", "VP"),
    ("Vụ Tổ chức cán bộ", "TCCB"),
    ("Vụ Kế hoạch - Tài chính", "KHTC"),
    ("Vụ Pháp chế", "PC"),
    ("Vụ Hợp tác quốc tế", "HTQT"),
    ("Vụ Đất đai", "ĐĐ"),
    ("Thanh tra Bộ", "TTR"),
    ("Cục Quản lý tài nguyên nước", "TNN"),
    ("Cục Kiểm soát ô nhiễm môi trường", "KSONMT"),
    ("Cục Khoáng sản Việt Nam", "KS"),
    ("Cục Biến đổi khí hậu", "BĐKH"),
]

# (name, abbreviation) of the general department's units.
GENERAL_DEPARTMENT_UNITS: list[tuple[str, str]] = [
    ("Văn phòng Tổng cục", "VP"),
    ("Vụ Chính sách và Pháp chế", "CSPC"),
    ("Cục Quy hoạch đất đai", "QHĐĐ"),
    ("Cục Kinh tế và Phát triển quỹ đất", "KTPTQĐ"),
]

# (name, rank): the rank orders positions in lists.
POSITIONS: list[tuple[str, int]] = [
    ("Bộ trưởng", 10),
    ("Thứ trưởng", 20),
    ("Chánh Văn phòng", 30),
    ("Cục trưởng", 32),
    ("Vụ trưởng", 34),
    ("Phó Chánh Văn phòng", 40),
    ("Phó Cục trưởng", 42),
    ("Phó Vụ trưởng", 44),
    ("Chuyên viên chính", 60),
    ("Chuyên viên", 70),
    ("Văn thư", 80),
]

# The accounts of ARCHITECTURE.md §4; `admin` is also a superuser.
ACCOUNTS: list[AccountSpec] = [
    AccountSpec("admin", "Hoàng Minh Quân", Role.ADMIN, "Chuyên viên chính", "VP"),
    AccountSpec("vanthu", "Nguyễn Thị Thu Hà", Role.CLERK, "Văn thư", "VP"),
    AccountSpec("lanhdao", "Trần Quốc Hưng", Role.AGENCY_LEADER, "Thứ trưởng"),
    AccountSpec("truongphong", "Lê Văn Thắng", Role.UNIT_LEADER, "Vụ trưởng", "KHTC"),
    AccountSpec("chuyenvien", "Phạm Thị Lan Anh", Role.SPECIALIST, "Chuyên viên", "KHTC"),
]
# The unit whose leader and specialist are demo accounts: some documents go to the specialist.
DEMO_UNIT = "KHTC"

# The general department's clerk: what the ministry sends it arrives in its electronic inbox.
# (unit: an abbreviation of GENERAL_DEPARTMENT_UNITS; position: GENERAL_DEPARTMENT_POSITION.)
GENERAL_DEPARTMENT_POSITION = ("Văn thư", 80)
GENERAL_DEPARTMENT_ACCOUNTS: list[AccountSpec] = [
    AccountSpec(
        "vanthutc",
        "Đỗ Thị Minh Nguyệt",
        Role.CLERK,
        GENERAL_DEPARTMENT_POSITION[0],
        "VP",
        agency_name=GENERAL_DEPARTMENT.name,
    ),
]

_UBND_ADDRESS = "Trụ sở Ủy ban nhân dân"


def _province(code: str, name: str, place: str, per_day: int = 20) -> AgencySpec:
    return AgencySpec(
        organ_id=f"000.00.00.{code}",
        name=f"Ủy ban nhân dân {place}",
        abbreviation="UBND",
        kind="province",
        place=place,
        address=f"{_UBND_ADDRESS} {name}",
        per_day=per_day,
    )


def _department(code: str, place: str) -> AgencySpec:
    return AgencySpec(
        organ_id=f"000.00.21.{code}",
        name=f"Sở Tài nguyên và Môi trường {place}",
        abbreviation="STNMT",
        kind="department",
        place=place,
        parent=f"000.00.00.{code}",
        per_day=8,
    )


def _central(code: str, name: str, abbreviation: str, kind: str, per_day: int = 15) -> AgencySpec:
    return AgencySpec(
        organ_id=f"000.00.00.{code}",
        name=name,
        abbreviation=abbreviation,
        kind=kind,
        address="Hà Nội",
        per_day=per_day,
    )


PROVINCES: list[AgencySpec] = [
    _province("H26", "thành phố Hà Nội", "thành phố Hà Nội", 40),
    _province("H29", "Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh", 45),
    _province("H31", "thành phố Hải Phòng", "thành phố Hải Phòng", 25),
    _province("H43", "thành phố Đà Nẵng", "thành phố Đà Nẵng", 25),
    _province("H92", "thành phố Cần Thơ", "thành phố Cần Thơ", 20),
    _province("H41", "tỉnh Nghệ An", "tỉnh Nghệ An"),
    _province("H40", "tỉnh Thanh Hóa", "tỉnh Thanh Hóa"),
    _province("H42", "tỉnh Hà Tĩnh", "tỉnh Hà Tĩnh"),
    _province("H22", "tỉnh Quảng Ninh", "tỉnh Quảng Ninh"),
    _province("H24", "tỉnh Bắc Ninh", "tỉnh Bắc Ninh"),
    _province("H11", "tỉnh Lào Cai", "tỉnh Lào Cai"),
    _province("H56", "tỉnh Khánh Hòa", "tỉnh Khánh Hòa"),
    _province("H66", "tỉnh Đắk Lắk", "tỉnh Đắk Lắk"),
    _province("H75", "tỉnh Đồng Nai", "tỉnh Đồng Nai"),
    _province("H95", "tỉnh Cà Mau", "tỉnh Cà Mau"),
]

DEPARTMENTS: list[AgencySpec] = [
    _department("H26", "thành phố Hà Nội"),
    _department("H29", "Thành phố Hồ Chí Minh"),
    _department("H43", "thành phố Đà Nẵng"),
    _department("H41", "tỉnh Nghệ An"),
    _department("H22", "tỉnh Quảng Ninh"),
]

CENTRAL: list[AgencySpec] = [
    _central("G22", "Văn phòng Chính phủ", "VPCP", "government_office", 60),
    _central("G09", "Bộ Nội vụ", "BNV", "ministry"),
    _central("G03", "Bộ Tư pháp", "BTP", "ministry"),
    _central("G05", "Bộ Kế hoạch và Đầu tư", "BKHĐT", "ministry"),
    _central("G08", "Bộ Công Thương", "BCT", "ministry"),
    _central("G10", "Bộ Nông nghiệp và Phát triển nông thôn", "BNNPTNT", "ministry"),
    _central("G14", "Bộ Giao thông vận tải", "BGTVT", "ministry"),
    _central("G15", "Bộ Xây dựng", "BXD", "ministry"),
    _central("G16", "Bộ Khoa học và Công nghệ", "BKHCN", "ministry"),
    _central("G20", "Thanh tra Chính phủ", "TTCP", "inspectorate", 8),
    _central("F01", "Kiểm toán nhà nước", "KTNN", "audit", 8),
]

DIRECTORY: list[AgencySpec] = [*PROVINCES, *DEPARTMENTS, *CENTRAL]

# Issuers that are not in the directory: the clerk types their name. (name, notation).
OTHER_ISSUERS: list[tuple[str, str]] = [
    ("Tập đoàn Điện lực Việt Nam", "EVN-KTSX"),
    ("Hội Khoa học Đất Việt Nam", "HKHĐ"),
    ("Công ty Cổ phần Đầu tư Xây dựng Hoàng Long", "CV-HL"),
    ("Trường Đại học Tài nguyên và Môi trường Hà Nội", "ĐHTNMT-HCTH"),
]

# Titles of the people who sign for each kind of agency: (head, deputy, office chief).
SIGNER_TITLES: dict[str, tuple[str, str, str]] = {
    "province": ("Chủ tịch", "Phó Chủ tịch", "Chánh Văn phòng"),
    "department": ("Giám đốc", "Phó Giám đốc", "Chánh Văn phòng"),
    "ministry": ("Bộ trưởng", "Thứ trưởng", "Chánh Văn phòng"),
    "government_office": ("Bộ trưởng, Chủ nhiệm", "Phó Chủ nhiệm", "Vụ trưởng"),
    "inspectorate": ("Tổng Thanh tra Chính phủ", "Phó Tổng Thanh tra", "Chánh Văn phòng"),
    "audit": ("Tổng Kiểm toán nhà nước", "Phó Tổng Kiểm toán", "Chánh Văn phòng"),
    "general_department": ("Tổng cục trưởng", "Phó Tổng cục trưởng", "Chánh Văn phòng"),
    "other": ("Tổng Giám đốc", "Phó Tổng Giám đốc", "Chánh Văn phòng"),
}

# Drafting units that close the symbol of an official letter: "125/UBND-KT".
DRAFTING_UNITS: dict[str, list[str]] = {
    "province": ["KT", "NN", "TH", "ĐT", "CN", "NC"],
    "department": ["QLĐĐ", "MT", "TNN", "KS", "VP"],
    "ministry": ["VP", "PC", "KHTC", "TCCB", "HTQT"],
    "government_office": ["NN", "CN", "KTTH", "QHĐP", "V.I"],
    "inspectorate": ["VP", "C.II", "KTTT"],
    "audit": ["TH", "VP"],
    "general_department": ["VP", "QHKH", "ĐKĐĐ", "KTPTQĐ"],
    "other": [""],
}

# Document types (seeded names) with their weight in the demo.
TYPE_WEIGHTS: list[tuple[str, int]] = [
    ("Công văn", 50),
    ("Quyết định (cá biệt)", 11),
    ("Thông báo", 9),
    ("Báo cáo", 8),
    ("Giấy mời", 8),
    ("Kế hoạch", 6),
    ("Tờ trình", 4),
    ("Hướng dẫn", 2),
    # Only provinces send these in the demo (the others' become official letters).
    ("Công điện", 3),
]

# Matters the ministry deals with: (receiving unit, noun phrases).
TOPICS: list[tuple[str, list[str]]] = [
    (
        "ĐĐ",
        [
            "giao đất, cho thuê đất thực hiện dự án khu đô thị mới",
            "điều chỉnh quy hoạch sử dụng đất đến năm 2030",
            "thu hồi đất thực hiện dự án đường vành đai",
            "cấp giấy chứng nhận quyền sử dụng đất cho hộ gia đình, cá nhân",
            "xây dựng bảng giá đất",
            "thống kê, kiểm kê đất đai",
            "chuyển mục đích sử dụng đất trồng lúa sang đất phi nông nghiệp",
            "bồi thường, hỗ trợ, tái định cư khi Nhà nước thu hồi đất",
            "xây dựng cơ sở dữ liệu đất đai",
            "đấu giá quyền sử dụng đất",
        ],
    ),
    (
        "TNN",
        [
            "cấp giấy phép khai thác, sử dụng nước mặt",
            "vận hành liên hồ chứa trên lưu vực sông Hồng mùa cạn",
            "bảo vệ nguồn nước dưới đất",
            "phòng, chống hạn hán, thiếu nước và xâm nhập mặn",
            "kiểm kê tài nguyên nước",
        ],
    ),
    (
        "KSONMT",
        [
            "thẩm định báo cáo đánh giá tác động môi trường",
            "cấp giấy phép môi trường cho cơ sở sản xuất",
            "xử lý ô nhiễm môi trường tại các làng nghề",
            "quản lý chất thải rắn sinh hoạt",
            "quan trắc chất lượng không khí",
            "phân loại chất thải rắn sinh hoạt tại nguồn",
        ],
    ),
    (
        "KS",
        [
            "cấp phép thăm dò khoáng sản cát, sỏi lòng sông",
            "đấu giá quyền khai thác khoáng sản",
            "ngăn chặn hoạt động khai thác khoáng sản trái phép",
        ],
    ),
    (
        "BĐKH",
        [
            "kiểm kê khí nhà kính",
            "thực hiện cam kết đưa phát thải ròng về 0",
            "ứng phó với biến đổi khí hậu",
        ],
    ),
    (
        "KHTC",
        [
            "giao dự toán ngân sách nhà nước",
            "quyết toán vốn đầu tư dự án hoàn thành",
            "phân bổ kế hoạch đầu tư công trung hạn",
            "giải ngân vốn đầu tư công",
            "mua sắm tài sản, trang thiết bị làm việc",
            "sử dụng kinh phí sự nghiệp bảo vệ môi trường",
        ],
    ),
    (
        "TCCB",
        [
            "cử công chức tham dự lớp bồi dưỡng kiến thức quản lý nhà nước",
            "tuyển dụng công chức",
            "đánh giá, xếp loại chất lượng cán bộ, công chức",
            "thi đua, khen thưởng",
        ],
    ),
    (
        "PC",
        [
            "góp ý dự thảo Nghị định quy định chi tiết thi hành Luật Đất đai",
            "rà soát văn bản quy phạm pháp luật",
            "phổ biến, giáo dục pháp luật về tài nguyên và môi trường",
        ],
    ),
    (
        "VP",
        [
            "cải cách thủ tục hành chính",
            "chuyển đổi số, kết nối liên thông văn bản điện tử",
            "thực hiện chế độ báo cáo định kỳ",
            "tiếp và làm việc với Đoàn công tác của Bộ",
            "thực hành tiết kiệm, chống lãng phí",
        ],
    ),
    (
        "HTQT",
        [
            "tổ chức Hội thảo quốc tế về quản lý tài nguyên",
            "hợp tác với Cơ quan Hợp tác Quốc tế Nhật Bản (JICA)",
        ],
    ),
    (
        "TTR",
        [
            "giải quyết đơn khiếu nại của công dân về đất đai",
            "thanh tra việc chấp hành pháp luật về tài nguyên và môi trường",
        ],
    ),
]
# Matters central agencies write to the ministry about (by receiving unit); provinces and
# their departments write about all of them.
CENTRAL_TOPICS = frozenset({"PC", "KHTC", "TCCB", "VP", "HTQT", "TTR", "BĐKH"})
# How often each receiving unit's matters come up (same order as TOPICS).
TOPIC_WEIGHTS: list[int] = [30, 10, 14, 6, 4, 12, 6, 6, 8, 2, 4]

# Openings of official letters: "Về việc {verb} {matter}".
LETTER_VERBS: list[str] = [
    "đề nghị hướng dẫn",
    "xin ý kiến về",
    "phối hợp thực hiện",
    "đôn đốc thực hiện",
    "báo cáo vướng mắc trong",
    "tăng cường công tác",
]

# Subjects of the other types, with {matter}, {period}, {year} and {place} to fill.
SUBJECTS: dict[str, list[str]] = {
    "Quyết định (cá biệt)": [
        "Quyết định về việc phê duyệt kế hoạch {matter} năm {year}",
        "Quyết định về việc thành lập Tổ công tác liên ngành về {matter}",
        "Quyết định về việc ban hành quy trình {matter}",
    ],
    "Thông báo": [
        "Thông báo kết luận của lãnh đạo tại cuộc họp về {matter}",
        "Thông báo về việc {matter}",
    ],
    "Báo cáo": [
        "Báo cáo kết quả {matter} {period}",
        "Báo cáo tình hình {matter} {period}",
    ],
    "Giấy mời": [
        "Giấy mời dự họp về {matter}",
        "Giấy mời dự Hội nghị trực tuyến về {matter}",
    ],
    "Kế hoạch": [
        "Kế hoạch triển khai {matter} năm {year}",
        "Kế hoạch kiểm tra {matter} năm {year}",
    ],
    "Tờ trình": [
        "Tờ trình đề nghị thẩm định {matter}",
        "Tờ trình đề nghị hỗ trợ kinh phí {matter}",
    ],
    "Hướng dẫn": ["Hướng dẫn thực hiện {matter}"],
    "Công điện": [
        "Về việc chủ động ứng phó với bão, mưa lớn và lũ quét",
        "Về việc tập trung khắc phục hậu quả sạt lở đất",
        "Về việc ứng phó với nắng nóng, hạn hán và xâm nhập mặn",
    ],
}

# Page counts per type: (fewest, most).
PAGES: dict[str, tuple[int, int]] = {
    "Công văn": (1, 3),
    "Quyết định (cá biệt)": (2, 6),
    "Thông báo": (1, 3),
    "Báo cáo": (3, 18),
    "Giấy mời": (1, 1),
    "Kế hoạch": (3, 12),
    "Tờ trình": (2, 8),
    "Hướng dẫn": (2, 10),
    "Công điện": (1, 2),
}

FAMILY_NAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
]
# Middle and given names by gender, so that generated names read naturally.
MALE_NAMES = (
    ["Văn", "Hữu", "Đức", "Minh", "Quang", "Xuân", "Thanh", "Ngọc", "Công"],
    ["Hùng", "Dũng", "Tuấn", "Hải", "Long", "Nam", "Sơn", "Cường", "Bình", "Phong", "Khánh"],
)
FEMALE_NAMES = (
    ["Thị", "Thu", "Thanh", "Ngọc", "Minh", "Thúy"],
    ["Lan", "Hương", "Mai", "Linh", "Hạnh", "Thủy", "Yến", "Trang", "Nga"],
)

# The leader's instructions (bút phê), progress notes and results of the demo's handling.
INSTRUCTIONS: list[str] = [
    "Giao Vụ chủ trì nghiên cứu, tham mưu văn bản trả lời; báo cáo kết quả đúng hạn.",
    "Đề nghị đơn vị chủ trì phối hợp các đơn vị liên quan xử lý, báo cáo Lãnh đạo Bộ.",
    "Chuyển đơn vị nghiên cứu, đề xuất; trường hợp vượt thẩm quyền báo cáo ngay.",
    "Giao đơn vị xử lý theo quy định, đồng thời tổng hợp vào báo cáo tháng.",
    "Khẩn trương rà soát, dự thảo công văn trả lời trình Lãnh đạo Bộ ký.",
]
PROGRESS_NOTES: list[str] = [
    "Đã nghiên cứu hồ sơ, đang dự thảo văn bản trả lời.",
    "Đã xin ý kiến các đơn vị liên quan, đang tổng hợp.",
    "Đã làm việc với địa phương, đang hoàn thiện báo cáo.",
]
RESULTS: list[str] = [
    "Đã dự thảo công văn trả lời, trình Lãnh đạo Bộ ký ban hành.",
    "Đã có báo cáo đề xuất gửi Lãnh đạo Bộ.",
    "Đã tổng hợp vào báo cáo chung của Bộ.",
]


# ---------------------------------------------------------------------------- outgoing documents


@dataclass(frozen=True)
class RecipientSpec:
    """A recipient of an outgoing document: a unit of the ministry (its abbreviation), an
    agency of the directory or the general department (its code), or another recipient by
    name, reached by e-mail or by post."""

    unit: str = ""
    agency: str = ""
    name: str = ""
    email: str = ""
    address: str = ""
    addressee: bool = True


@dataclass(frozen=True)
class OutgoingSpec:
    """One outgoing document of the demo, taken through the services up to `stage`."""

    stage: str
    type_name: str
    subject: str
    body: tuple[str, ...]
    recipients: tuple[RecipientSpec, ...]
    priority: int = 0
    # An NĐ 30 template (govdoc.outgoing.drafting.templates) generates the body, with
    # LibreOffice; the other bodies are drawn PDFs. `values`: the template's own fields.
    template: str = ""
    values: tuple[tuple[str, str | tuple[str, ...]], ...] = ()
    # The clerk's reason when the draft is returned.
    reason: str = ""
    # A comment of the unit leader on the draft.
    comment: str = ""
    # The reply to an incoming document the specialist handles (when the demo has one); the
    # recipients and subject are then those of the reply.
    reply: bool = False
    # The general department's clerk registers it on arrival.
    register: bool = False
    # The ministry's clerk records the posting: (postal receipt number, postage).
    post: tuple[str, str] = ("", "")
    # Revoked after issuing, with this reason.
    revoke: str = ""
    # A certified copy (sao y) is made, for these recipients.
    copy_for: str = ""


# Stages of OutgoingSpec, in the order a draft goes through them.
DRAFTING = "drafting"
CONTENT_REVIEW = "content"  # waiting for the unit leader
FORM_REVIEW = "form"  # waiting for the clerk's check of form and technique
RETURNED = "returned"
APPROVED = "approved"  # waiting for the signer's signature
SIGNED = "signed"  # waiting for the clerk to issue it
ISSUED = "issued"

GENERAL = RecipientSpec(agency=GENERAL_DEPARTMENT.organ_id)
GOVERNMENT_OFFICE = "000.00.00.G22"
PLANNING_MINISTRY = "000.00.00.G05"
NGHE_AN = "000.00.00.H41"
HANOI_DEPARTMENT = "000.00.21.H26"
# Never a real mailbox (RFC 2606): the worker "sends" it to the console unless e-mail is set up.
DEMO_EMAIL = "vanphong@hoanglong.example.com"

OUTGOING: list[OutgoingSpec] = [
    OutgoingSpec(
        stage=DRAFTING,
        type_name="Tờ trình",
        subject=(
            "Đề nghị bổ sung dự toán kinh phí thực hiện kiểm kê đất đai, lập bản đồ hiện trạng "
            "sử dụng đất"
        ),
        body=(
            "Thực hiện Luật Đất đai năm 2024, Bộ Tài nguyên và Môi trường được giao chủ trì "
            "tổ chức kiểm kê đất đai, lập bản đồ hiện trạng sử dụng đất trên phạm vi cả nước.",
            "Dự toán được giao đầu năm chưa bao gồm kinh phí số hóa hồ sơ kiểm kê của các địa "
            "phương. Bộ kính đề nghị xem xét, bổ sung dự toán để bảo đảm tiến độ.",
            "Bộ Tài nguyên và Môi trường kính trình Thủ tướng Chính phủ xem xét, quyết định.",
        ),
        recipients=(RecipientSpec(agency=GOVERNMENT_OFFICE),),
        template="to_trinh",
        # Sent to the Government Office, addressed to the Prime Minister.
        values=(
            ("kinh_gui", ("Thủ tướng Chính phủ",)),
            ("recipients", ("Như trên;", "Văn phòng Chính phủ;")),
        ),
    ),
    OutgoingSpec(
        stage=DRAFTING,
        type_name="Công văn",
        subject="Về việc góp ý dự thảo Nghị định về quản lý, sử dụng tài sản công",
        body=(
            "Bộ Tài nguyên và Môi trường nhận được văn bản đề nghị góp ý dự thảo Nghị định "
            "sửa đổi, bổ sung một số điều về quản lý, sử dụng tài sản công.",
            "Sau khi nghiên cứu, Bộ cơ bản thống nhất với dự thảo và đề nghị làm rõ tiêu chuẩn, "
            "định mức trang thiết bị chuyên dùng của ngành tài nguyên và môi trường.",
        ),
        recipients=(RecipientSpec(agency=PLANNING_MINISTRY),),
    ),
    OutgoingSpec(
        stage=CONTENT_REVIEW,
        type_name="Báo cáo",
        subject="Tình hình giải ngân vốn đầu tư công 6 tháng đầu năm",
        body=(
            "Tổng kế hoạch vốn đầu tư công năm nay của Bộ đã được giao chi tiết cho các dự án "
            "đủ thủ tục; tỷ lệ giải ngân đến cuối tháng 6 đạt khoảng 41% kế hoạch.",
            "Các dự án chậm giải ngân chủ yếu do vướng mắc trong giải phóng mặt bằng và điều "
            "chỉnh chủ trương đầu tư.",
            "Bộ đề xuất cho phép điều chuyển vốn giữa các dự án trong cùng lĩnh vực.",
        ),
        recipients=(
            RecipientSpec(agency=GOVERNMENT_OFFICE),
            RecipientSpec(agency=PLANNING_MINISTRY),
        ),
    ),
    OutgoingSpec(
        stage=FORM_REVIEW,
        type_name="Kế hoạch",
        subject="Mua sắm tài sản, trang thiết bị làm việc của các đơn vị thuộc Bộ",
        body=(
            "Mục đích: bảo đảm trang thiết bị làm việc theo tiêu chuẩn, định mức; mua sắm tập "
            "trung, công khai, tiết kiệm.",
            "Các đơn vị rà soát nhu cầu, gửi Vụ Kế hoạch - Tài chính trước ngày 15 của tháng "
            "sau để tổng hợp.",
        ),
        recipients=(
            RecipientSpec(unit="VP"),
            RecipientSpec(unit="TCCB"),
            RecipientSpec(unit="TNN"),
            RecipientSpec(unit="KSONMT"),
        ),
        comment="Đã rà soát nội dung; đề nghị Văn thư kiểm tra thể thức trước khi trình ký.",
    ),
    OutgoingSpec(
        stage=RETURNED,
        type_name="Công văn",
        subject="Về việc đôn đốc quyết toán vốn đầu tư dự án hoàn thành",
        body=(
            "Qua theo dõi, một số dự án đã hoàn thành nhưng chưa lập hồ sơ quyết toán đúng "
            "thời hạn quy định.",
            "Đề nghị Sở khẩn trương hoàn thiện hồ sơ, gửi Bộ trước ngày 30 của tháng này.",
        ),
        recipients=(RecipientSpec(agency=HANOI_DEPARTMENT),),
        reason=(
            "Sai thể thức: thiếu “Lưu: VT, KHTC” ở nơi nhận; trích yếu cần ghi rõ tên dự án. "
            "Đề nghị sửa và trình lại."
        ),
    ),
    OutgoingSpec(
        stage=APPROVED,
        type_name="Công văn",
        subject="Về việc hướng dẫn xây dựng dự toán ngân sách nhà nước năm sau",
        body=(
            "Căn cứ hướng dẫn của Bộ Tài chính, Bộ Tài nguyên và Môi trường hướng dẫn các đơn "
            "vị xây dựng dự toán ngân sách nhà nước năm sau.",
            "Dự toán lập đúng biểu mẫu, thuyết minh rõ cơ sở tính toán, gửi Bộ (qua Vụ Kế hoạch "
            "- Tài chính) đúng thời hạn.",
        ),
        recipients=(GENERAL, RecipientSpec(unit="TNN"), RecipientSpec(unit="BĐKH")),
    ),
    OutgoingSpec(
        stage=SIGNED,
        type_name="Thông báo",
        subject="Kết luận của Thứ trưởng tại cuộc họp về giải ngân vốn đầu tư công",
        body=(
            "Ngày hôm qua, Thứ trưởng Trần Quốc Hưng chủ trì cuộc họp về tình hình giải ngân vốn "
            "đầu tư công của các dự án do Bộ quản lý.",
            "Thứ trưởng yêu cầu các chủ đầu tư lập tiến độ giải ngân chi tiết từng tháng, báo "
            "cáo Bộ vào ngày 25 hằng tháng.",
        ),
        recipients=(GENERAL, RecipientSpec(unit="VP"), RecipientSpec(unit="ĐĐ")),
    ),
    OutgoingSpec(
        stage=ISSUED,
        type_name="Quyết định (cá biệt)",
        subject="Về việc giao dự toán ngân sách nhà nước cho Tổng cục Quản lý đất đai",
        body=(
            "Điều 1. Giao dự toán ngân sách nhà nước năm nay cho Tổng cục Quản lý đất đai theo "
            "phụ lục kèm theo Quyết định này.",
            "Điều 2. Tổng cục Quản lý đất đai tổ chức thực hiện dự toán được giao đúng quy định "
            "của Luật Ngân sách nhà nước.",
            "Điều 3. Quyết định có hiệu lực kể từ ngày ký. Chánh Văn phòng Bộ, Vụ trưởng Vụ Kế "
            "hoạch - Tài chính, Tổng cục trưởng Tổng cục Quản lý đất đai chịu trách nhiệm thi "
            "hành Quyết định này.",
        ),
        recipients=(GENERAL, RecipientSpec(unit="VP")),
        template="quyet_dinh",
        values=(
            ("issuing_authority", "Bộ trưởng Bộ Tài nguyên và Môi trường"),
            (
                "legal_bases",
                (
                    "Căn cứ Luật Ngân sách nhà nước ngày 25 tháng 6 năm 2015;",
                    "Căn cứ Nghị định số 68/2022/NĐ-CP ngày 22 tháng 9 năm 2022 của Chính phủ "
                    "quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Bộ Tài nguyên "
                    "và Môi trường;",
                    "Theo đề nghị của Vụ trưởng Vụ Kế hoạch - Tài chính.",
                ),
            ),
            ("recipients", ("Như Điều 3;", "Bộ trưởng (để báo cáo);")),
        ),
        register=True,
        copy_for="Kho bạc Nhà nước; Lưu: VT.",
    ),
    OutgoingSpec(
        stage=ISSUED,
        type_name="Công văn",
        subject="Về việc hướng dẫn thủ tục giao đất, cho thuê đất thực hiện dự án",
        body=(
            "Bộ Tài nguyên và Môi trường nhận được văn bản của Quý cơ quan đề nghị hướng dẫn "
            "thủ tục giao đất, cho thuê đất thực hiện dự án.",
            "Về vấn đề này, đề nghị Quý cơ quan thực hiện theo quy định của Luật Đất đai và các "
            "văn bản hướng dẫn thi hành; trường hợp còn vướng mắc, tổng hợp báo cáo Bộ.",
        ),
        recipients=(RecipientSpec(agency=NGHE_AN),),
        reply=True,
    ),
    OutgoingSpec(
        stage=ISSUED,
        type_name="Thông báo",
        subject="Về việc tổ chức Hội nghị sơ kết công tác tài chính 6 tháng",
        body=(
            "Bộ Tài nguyên và Môi trường tổ chức Hội nghị sơ kết công tác tài chính 6 tháng đầu "
            "năm và triển khai nhiệm vụ 6 tháng cuối năm.",
            "Các đơn vị chuẩn bị báo cáo tóm tắt, gửi Vụ Kế hoạch - Tài chính trước hội nghị "
            "03 ngày làm việc.",
        ),
        recipients=(
            RecipientSpec(unit="VP"),
            RecipientSpec(unit="TCCB"),
            RecipientSpec(unit="PC"),
            RecipientSpec(unit="ĐĐ"),
            RecipientSpec(agency=GENERAL_DEPARTMENT.organ_id, addressee=False),
        ),
        register=True,
    ),
    OutgoingSpec(
        stage=ISSUED,
        type_name="Công văn",
        subject="Về việc đôn đốc báo cáo kết quả thống kê đất đai",
        body=(
            "Thực hiện quy định về thống kê, kiểm kê đất đai, Bộ Tài nguyên và Môi trường đề "
            "nghị các cơ quan gửi báo cáo kết quả thống kê đất đai của địa phương.",
            "Báo cáo gửi kèm cơ sở dữ liệu thống kê qua hệ thống trước ngày 15 của tháng sau.",
        ),
        recipients=(
            GENERAL,
            RecipientSpec(agency=NGHE_AN),
            RecipientSpec(agency=HANOI_DEPARTMENT),
        ),
        priority=1,
    ),
    OutgoingSpec(
        stage=ISSUED,
        type_name="Công văn",
        subject="Về việc trả lời kiến nghị về thủ tục thuê đất",
        body=(
            "Bộ Tài nguyên và Môi trường nhận được kiến nghị của Công ty về thủ tục thuê đất "
            "thực hiện dự án khu đô thị.",
            "Đề nghị Công ty liên hệ Sở Tài nguyên và Môi trường nơi có đất để được hướng dẫn "
            "hồ sơ theo quy định.",
        ),
        recipients=(
            RecipientSpec(
                name="Công ty Cổ phần Đầu tư Xây dựng Hoàng Long",
                email=DEMO_EMAIL,
            ),
            RecipientSpec(
                name="Hội Khoa học Đất Việt Nam",
                address="Số 61 Hàng Chuối, Hai Bà Trưng, Hà Nội",
                addressee=False,
            ),
        ),
        post=("RR012345678VN", "27.000 đồng"),
    ),
    OutgoingSpec(
        stage=ISSUED,
        type_name="Giấy mời",
        subject="Dự họp về phân bổ kế hoạch đầu tư công trung hạn",
        body=(
            "Bộ Tài nguyên và Môi trường trân trọng kính mời đại diện lãnh đạo đơn vị dự họp về "
            "phân bổ kế hoạch đầu tư công trung hạn.",
            "Thời gian: 08 giờ 00, thứ Năm tuần sau. Địa điểm: Phòng họp số 1, trụ sở Bộ.",
        ),
        recipients=(GENERAL, RecipientSpec(unit="TCCB"), RecipientSpec(unit="ĐĐ")),
        revoke=(
            "Hoãn cuộc họp do thay đổi lịch công tác của Lãnh đạo Bộ; thời gian họp sẽ được "
            "thông báo sau."
        ),
    ),
]
