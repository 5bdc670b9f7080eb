"""The offline conformance command on the committed examples and on broken files."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from contracts.conformance import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "push"


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(args), out=out), out.getvalue()


def test_the_good_examples_conform() -> None:
    status, out = run(str(EXAMPLES / "enterprises.v1.json"), str(EXAMPLES / "progress.v1.ndjson"))
    assert status == 0
    assert out.count("all conform to push interface v1") == 2


def test_the_invalid_example_names_every_problem_in_english_and_chinese() -> None:
    path = str(EXAMPLES / "invalid.v1.ndjson")
    status, en = run(path)
    assert status == 1
    codes = [line.rsplit("[", 1)[1].rstrip("]") for line in en.splitlines() if line.endswith("]")]
    assert codes == [
        "uscc_invalid",
        "timezone_aware",
        "district_unknown",
        "extra_forbidden",
        "enum",
        "record_id_repeated",
    ]
    assert "4 records, 4 do not conform" in en
    _, zh = run(path, "--lang", "zh")
    assert "第1行 (crm-9) data.uscc: 统一社会信用代码无效：校验码为“E”，应为“D”" in zh
    assert "4条记录，4条不符合" in zh


def test_json_output(tmp_path: Path) -> None:
    status, out = run(str(EXAMPLES / "invalid.v1.ndjson"), "--json", "--lang", "zh")
    result = json.loads(out)
    assert (status, result["records"], result["nonconforming"]) == (1, 4, 4)
    assert result["errors"][0]["errors"][0]["field"] == "data.uscc"


def test_unreadable_files_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "b.json"
    broken.write_text("{not json", encoding="utf-8")
    status, out = run(str(broken), str(tmp_path / "missing.ndjson"))
    assert status == 2
    assert "[invalid_json]" in out and "cannot read" in out


def test_it_runs_as_a_module() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "contracts.conformance", str(EXAMPLES / "enterprises.v1.json"), "--lang", "zh"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "全部符合接口v1" in proc.stdout


def odd_uscc() -> str:
    """A valid USCC whose organisation-code check (position 17) differs from GB 11714's."""
    from contracts.uscc import check_character

    body = "91350100M000100Y5"  # the standard's worked example with position 17 changed
    return body + check_character(body)


def test_an_organisation_code_mismatch_is_a_warning_and_the_file_still_conforms(tmp_path: Path) -> None:
    record = {
        "record_id": "r1",
        "version": 1,
        "kind": "enterprise",
        "occurred_at": "2026-11-20T09:30:00+08:00",
        "data": {"uscc": odd_uscc(), "name": "某企业", "district_code": "500103", "industry_code": "C34"},
    }
    path = tmp_path / "odd.ndjson"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n")
    status, en = run(str(path))
    assert status == 0
    assert "line 1 (r1) warning: data.uscc: organisation-code check (position 17)" in en
    assert "[uscc_org_check_mismatch]" in en
    _, zh = run(str(path), "--lang", "zh")
    assert "警告 data.uscc: 组织机构代码校验位（第17位）" in zh
    _, as_json = run(str(path), "--json")
    result = json.loads(as_json)
    assert result["nonconforming"] == 0
    assert result["warnings"][0]["warnings"][0]["code"] == "uscc_org_check_mismatch"


def test_a_body_too_deep_to_decode_is_a_finding_not_a_traceback(tmp_path: Path) -> None:
    deep = "[" * 10_000 + "]" * 10_000
    (tmp_path / "deep.ndjson").write_text(deep + "\n")
    (tmp_path / "deep.json").write_text(deep)
    status, out = run(str(tmp_path / "deep.ndjson"))
    assert status == 1 and "invalid_json" in out
    status, out = run(str(tmp_path / "deep.json"))
    assert status in (1, 2) and "Traceback" not in out
