from decimal import Decimal

import pytest

from registry.transfer.reading import ImportFileError, parse_list

HEADER = (
    "企业名称,统一社会信用代码,2023年度主营业务收入（万元）,是否专精特新“小巨人”企业或专精特新中小企业,区县,行业代码\n"
)


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(r + "\n" for r in rows)).encode("utf-8-sig")


def test_pilot_list_columns_map_to_the_profile() -> None:
    parsed = parse_list(csv_bytes('重庆甲公司,91350100M000100Y43,"2,500.5",小巨人,渝北区,C3670'))
    assert parsed.errors == []
    ((row, cmd),) = parsed.good
    assert row == 2
    assert cmd.district_code == "500112"  # district given by name
    assert cmd.revenue_yuan == Decimal("25005000.00")  # 万元 → yuan
    assert cmd.revenue_year == 2023
    assert cmd.tiers is not None
    assert cmd.tiers[0].tier == "little_giant"
    assert cmd.tiers[0].recognised_on is None


def test_revenue_in_yuan_when_the_header_says_so() -> None:
    header = "企业名称,统一社会信用代码,主营业务收入(元),区县,行业代码\n"
    ((_, cmd),) = parse_list(csv_bytes("甲,91350100M000100Y43,1234.5,500103,C34", header=header)).good
    assert cmd.revenue_yuan == Decimal("1234.50")
    assert cmd.revenue_year is None


def test_defaults_fill_missing_district_and_industry() -> None:
    header = "企业名称,统一社会信用代码\n"
    parsed = parse_list(
        csv_bytes("甲,91350100M000100Y43", header=header), {"district_code": "CQ-LJXQ", "industry_code": "C367"}
    )
    assert parsed.good[0][1].district_code == "CQ-LJXQ"


def test_every_bad_row_is_reported_with_row_field_and_reason() -> None:
    parsed = parse_list(
        csv_bytes(
            "甲,91350100M000100Y43,100,否,500103,C34",
            "乙,91110108717809965C,100,否,500103,C34",  # wrong check character
            "丙,914403001922038216,100,否,北京市,C34",  # unknown district
            "丁,91350100M000100Y43,100,否,500103,C34",  # duplicate of row 2
            "",  # blank line: not a record
            "戊,91440300708461136T,abc,否,500103,C34",  # revenue not a number
            "己,91330100716105852F,100,金牌,500103,C34",  # unknown tier word
        )
    )
    assert parsed.rows == 6
    assert [g[0] for g in parsed.good] == [2]
    got = [(e.row, e.field) for e in parsed.errors]
    assert got == [(3, "uscc"), (4, "district_code"), (5, "uscc"), (7, "revenue_yuan"), (8, "tier")]
    reasons = {e.row: e.reason for e in parsed.errors}
    assert "expected 'J'" in reasons[3]
    assert "unknown district unit" in reasons[4]
    assert reasons[5] == "duplicate of row 2 in this file"
    assert "金牌" in reasons[8]


def test_a_file_without_the_required_columns_is_refused_whole() -> None:
    with pytest.raises(ImportFileError, match="no column for uscc"):
        parse_list(csv_bytes("甲", header="企业名称\n"))
    with pytest.raises(ImportFileError, match="empty"):
        parse_list(b"")
    with pytest.raises(ImportFileError, match="UTF-8"):
        parse_list("企业名称,统一社会信用代码\n甲,x\n".encode("gbk"))


def test_damaged_xlsx_is_refused_whole() -> None:
    with pytest.raises(ImportFileError, match="XLSX"):
        parse_list(b"PK\x03\x04 not really a zip")
