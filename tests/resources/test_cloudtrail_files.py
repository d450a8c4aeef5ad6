"""discover and classify: the S3 key layout, flat folders, digest and hidden files."""

import os
import re
from pathlib import Path

import pytest

from resources.cloudtrail_files import SourceFile, classify, discover

ORG = "AWSLogs/o-a1b2c3d4e5/111111111111/CloudTrail/eu-west-1/2024/03/01/f.json.gz"
NO_ORG = "AWSLogs/222222222222/CloudTrail/us-east-1/2024/12/31/f.json"
PREFIXED = "my/prefix/AWSLogs/o-a1b2c3d4e5/333333333333/CloudTrail/ap-south-1/2023/07/10/f.json.gz"
DIGEST = "AWSLogs/o-a1b2c3d4e5/111111111111/CloudTrail-Digest/eu-west-1/2024/03/01/d.json.gz"


@pytest.mark.parametrize(
    ("rel", "day", "account", "region", "digest"),
    [
        (ORG, "2024/03/01", "111111111111", "eu-west-1", False),
        (NO_ORG, "2024/12/31", "222222222222", "us-east-1", False),
        (PREFIXED, "2023/07/10", "333333333333", "ap-south-1", False),
        (DIGEST, "2024/03/01", "111111111111", "eu-west-1", True),
        # flat: not the layout, so no day, account or region
        ("export/events.json", None, None, None, False),
        ("218007301253_CloudTrail_us-east-1_20230710T1145Z_x.json", None, None, None, False),
        (
            "AWSLogs/o-short/111111111111/CloudTrail/eu-west-1/2024/03/01/f.json",
            None,
            None,
            None,
            False,
        ),
        ("AWSLogs/11111111111/CloudTrail/eu-west-1/2024/03/01/f.json", None, None, None, False),
        ("AWSLogs/111111111111/CloudTrail/eu-west-1/2024/03/f.json", None, None, None, False),
        ("AWSLogs/111111111111/CloudTrail/eu-west-1/2024/03/01/x/f.json", None, None, None, False),
        ("CloudTrail-Digest/eu-west-1/2024/03/01/d.json.gz", None, None, None, True),
    ],
)
def test_classify(tmp_path, rel, day, account, region, digest):
    src = classify(tmp_path / rel, tmp_path, 10, 20)
    assert src == SourceFile(str(tmp_path / rel), 10, 20, day, account, region, digest)
    assert src.fingerprint == (str(tmp_path / rel), 10, 20)


def _touch(root: Path, rel: str, body: bytes = b"{}") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return path


def test_discover_lists_log_files_sorted_and_skips_hidden_and_other_names(tmp_path):
    kept = [ORG, NO_ORG, DIGEST, "flat/a.json", "flat/b.JSON.GZ", "flat/c.log", "flat/d.ndjson"]
    kept += ["flat/e.jsonl", "flat/f.gz"]
    for rel in kept:
        _touch(tmp_path, rel)
    for rel in [
        ".hidden.json",
        "flat/.partial.json.gz",
        ".git/objects/x.json",
        "flat/.cache/y.json",
    ]:
        _touch(tmp_path, rel)
    for rel in ["flat/README.txt", "flat/notes.md", "flat/data.csv", "flat/json"]:
        _touch(tmp_path, rel)
    big = _touch(tmp_path, "flat/a.json", b"0123456789")
    os.utime(big, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))

    found = discover(tmp_path)

    assert [f.path for f in found] == sorted(str(tmp_path / r) for r in kept)
    by_rel = {Path(f.path).relative_to(tmp_path).as_posix(): f for f in found}
    assert by_rel["flat/a.json"].size == 10
    assert by_rel["flat/a.json"].mtime_ns == 1_700_000_000_000_000_000
    assert [r for r, f in by_rel.items() if f.digest] == [DIGEST]
    assert {r: f.day for r, f in by_rel.items() if f.day} == {
        ORG: "2024/03/01",
        NO_ORG: "2024/12/31",
        DIGEST: "2024/03/01",
    }


def test_discover_of_an_empty_folder_is_empty(tmp_path):
    assert discover(tmp_path) == []


def test_discover_missing_root_names_the_path(tmp_path):
    missing = tmp_path / "no-such-folder"
    with pytest.raises(FileNotFoundError, match=re.escape(str(missing))):
        discover(missing)
    a_file = _touch(tmp_path, "file.json")
    with pytest.raises(FileNotFoundError, match=re.escape(str(a_file))):
        discover(a_file)
