"""Invented names for people and the bodies they work for, shared by both generators.

The Lào Cai demo (``sampledata.laocai``) and the national-scale dataset
(``sampledata.scale``) draw their leaders, group members, agencies, positions and
telephone numbers from here. The pools are generic: common Vietnamese family,
middle and given names, a few names common among the province's ethnic
minorities, and the usual bodies of a provincial People's Committee's bloc.
"""

from assignments.models import Agency

# Space-separated pools, one name each.
FAMILY = "Nguyễn Trần Lê Phạm Hoàng Vũ Đỗ Bùi Đặng Ngô Dương Lý Đinh Hà Lương Nông Triệu Ma Lục"
MIDDLE_MALE = "Văn Đức Minh Quang Hữu Xuân Mạnh Tiến Công Thành Trung Ngọc"
MIDDLE_FEMALE = "Thị Thu Hồng Thanh Ngọc Minh Kim Thùy"
GIVEN_MALE = (
    "Hùng Dũng Tuấn Hải Long Sơn Thắng Bình Cường Kiên Phong Quý Chiến Lâm Hưng Vinh Khánh "
    "Toàn Nam Việt Hiếu Đạt Lợi Quyết Tùng Huy Thịnh Phúc"
)
GIVEN_FEMALE = "Lan Hương Mai Hạnh Nga Thảo Hoa Huyền Yến Thủy Linh Trang Hằng Dung Vân Oanh Nhung"
ETHNIC_FAMILY = "Giàng Lò Vàng Sùng Thào Lù Tẩn Hầu Sần"
ETHNIC_MIDDLE = "Seo A Văn Thị"
ETHNIC_GIVEN = "Páo Chứ Phìn Sử Dín Lử Sình Cáu Chu Sang Pao Chản"
FEMALE_SHARE = 0.35

# Positions in a working group, by member role (the Lào Cai demo).
HEAD_POSITIONS = (
    "Trưởng phòng Kế hoạch – Tài chính",
    "Chánh Văn phòng",
    "Trưởng phòng Tổ chức – Hành chính",
    "Trưởng phòng Nghiệp vụ",
)
DEPUTY_POSITIONS = (
    "Phó Chánh Văn phòng",
    "Phó Trưởng phòng Nghiệp vụ",
    "Phó Trưởng phòng Kế hoạch",
)
MEMBER_POSITIONS = ("Chuyên viên", "Chuyên viên chính", "Cán sự", "Kế toán viên", "Kỹ sư")
# Positions drawn for any member, whatever the role (the national-scale dataset).
STAFF_POSITIONS = ("Chuyên viên", "Chuyên viên chính", "Phó Trưởng phòng", "Trưởng phòng")
# A working group's size, drawn from this list (three to five, most often four).
GROUP_SIZES = (3, 3, 4, 4, 4, 5)

AG, UN, EN, OR = (
    Agency.Kind.AGENCY,
    Agency.Kind.UNIT,
    Agency.Kind.ENTERPRISE,
    Agency.Kind.ORGANISATION,
)
GD, PGD = "Giám đốc", "Phó Giám đốc"
# (name, short name, kind, head's title, deputy's title): generic names of the bloc.
AGENCIES = (
    ("Sở Nông nghiệp và Phát triển nông thôn", "Sở NN&PTNT", AG, GD, PGD),
    ("Sở Kế hoạch và Đầu tư", "Sở KH&ĐT", AG, GD, PGD),
    ("Sở Tài chính", "Sở TC", AG, GD, PGD),
    ("Sở Xây dựng", "Sở XD", AG, GD, PGD),
    ("Sở Giao thông vận tải", "Sở GTVT", AG, GD, PGD),
    ("Sở Tài nguyên và Môi trường", "Sở TN&MT", AG, GD, PGD),
    ("Sở Công Thương", "Sở CT", AG, GD, PGD),
    ("Sở Giáo dục và Đào tạo", "Sở GD&ĐT", AG, GD, PGD),
    ("Sở Y tế", "Sở YT", AG, GD, PGD),
    ("Sở Văn hóa và Thể thao", "Sở VH&TT", AG, GD, PGD),
    ("Sở Lao động – Thương binh và Xã hội", "Sở LĐ-TB&XH", AG, GD, PGD),
    ("Sở Thông tin và Truyền thông", "Sở TT&TT", AG, GD, PGD),
    ("Sở Khoa học và Công nghệ", "Sở KH&CN", AG, GD, PGD),
    ("Sở Tư pháp", "Sở TP", AG, GD, PGD),
    ("Sở Nội vụ", "Sở NV", AG, GD, PGD),
    ("Sở Du lịch", "Sở DL", AG, GD, PGD),
    ("Sở Ngoại vụ", "Sở NgV", AG, GD, PGD),
    ("Thanh tra tỉnh", "TTr tỉnh", AG, "Chánh Thanh tra", "Phó Chánh Thanh tra"),
    ("Văn phòng UBND tỉnh", "VP UBND tỉnh", AG, "Chánh Văn phòng", "Phó Chánh Văn phòng"),
    ("Ban Dân tộc tỉnh", "Ban DT", AG, "Trưởng ban", "Phó Trưởng ban"),
    ("Ban Quản lý Khu kinh tế tỉnh", "BQL KKT", AG, "Trưởng ban", "Phó Trưởng ban"),
    ("Bộ Chỉ huy Quân sự tỉnh", "BCH QS tỉnh", AG, "Chỉ huy trưởng", "Phó Chỉ huy trưởng"),
    ("Công an tỉnh", "CA tỉnh", AG, GD, PGD),
    ("Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "BĐBP tỉnh", AG, "Chỉ huy trưởng", "Phó Chỉ huy trưởng"),
    ("Đài Phát thanh và Truyền hình tỉnh", "Đài PT-TH", UN, GD, PGD),
    ("Báo Lào Cai", "Báo LC", UN, "Tổng Biên tập", "Phó Tổng Biên tập"),
    ("Trường Cao đẳng Lào Cai", "CĐ Lào Cai", UN, "Hiệu trưởng", "Phó Hiệu trưởng"),
    ("Ban Quản lý dự án đầu tư xây dựng tỉnh", "BQLDA tỉnh", UN, GD, PGD),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "UBMTTQ tỉnh", OR, "Chủ tịch", "Phó Chủ tịch"),
    ("Hội Nông dân tỉnh", "HND tỉnh", OR, "Chủ tịch", "Phó Chủ tịch"),
    ("Hội Liên hiệp Phụ nữ tỉnh", "HLHPN tỉnh", OR, "Chủ tịch", "Phó Chủ tịch"),
    ("Tỉnh đoàn Lào Cai", "Tỉnh đoàn", OR, "Bí thư", "Phó Bí thư"),
    ("Hội Cựu chiến binh tỉnh", "HCCB tỉnh", OR, "Chủ tịch", "Phó Chủ tịch"),
    ("Liên đoàn Lao động tỉnh", "LĐLĐ tỉnh", OR, "Chủ tịch", "Phó Chủ tịch"),
    ("Công ty Điện lực Lào Cai", "PC Lào Cai", EN, GD, PGD),
    ("Ngân hàng Nông nghiệp và PTNT – Chi nhánh Lào Cai", "Agribank LC", EN, GD, PGD),
    ("Ngân hàng Chính sách xã hội – Chi nhánh tỉnh Lào Cai", "NHCSXH LC", EN, GD, PGD),
    ("Viễn thông Lào Cai", "VNPT LC", EN, GD, PGD),
    ("Công ty Cổ phần Nông sản Hoàng Liên", "Nông sản HL", EN, "Tổng Giám đốc", "Phó TGĐ"),
    ("Công ty Cổ phần Xây dựng Phố Lu", "XD Phố Lu", EN, "Chủ tịch HĐQT", "Phó Tổng Giám đốc"),
)


def full_name(rng, ethnic_share=0.0):
    """An invented full name: family, middle and given name (names may repeat).

    A share of ``ethnic_share`` are names of the ethnic minorities; of the others,
    ``FEMALE_SHARE`` are women's names.
    """
    if ethnic_share and rng.random() < ethnic_share:
        parts = ETHNIC_FAMILY, ETHNIC_MIDDLE, ETHNIC_GIVEN
    elif rng.random() < FEMALE_SHARE:
        parts = FAMILY, MIDDLE_FEMALE, GIVEN_FEMALE
    else:
        parts = FAMILY, MIDDLE_MALE, GIVEN_MALE
    return " ".join(rng.choice(part.split()) for part in parts)


def distinct_names(rng, ethnic_share=0.0):
    """An endless supply of full names, none given twice."""
    used = set()
    while True:
        name = full_name(rng, ethnic_share)
        if name not in used:
            used.add(name)
            yield name


def placeholder_phone(rng):
    """A telephone number that is visibly a placeholder ("0900 000 123")."""
    return f"0900 000 {rng.randrange(1000):03d}"
