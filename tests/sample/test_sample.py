"""The sample generator: deterministic output, coherent inventory, CloudTrail-shaped files."""

import gzip
import hashlib
import json
from pathlib import Path

import pytest

from dph_pipeline.sample import generate
from dph_pipeline.sample.planted import PLANTED


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_arguments_give_identical_files(tmp_path: Path):
    generate(tmp_path / "a", days=2, events_per_day=20)
    generate(tmp_path / "b", days=2, events_per_day=20)
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")


def test_another_seed_changes_the_traffic(tmp_path: Path):
    generate(tmp_path / "a", days=2, events_per_day=20, seed=1)
    generate(tmp_path / "b", days=2, events_per_day=20, seed=2)
    assert _digests(tmp_path / "a") != _digests(tmp_path / "b")


def test_counts_and_layout(tmp_path: Path):
    summary = generate(tmp_path, days=2, events_per_day=10, extra_accounts=2)
    planted_calls = sum(p.count for p in PLANTED)
    assert planted_calls == 30
    assert summary.accounts == 6
    assert summary.records == 6 * 2 * 10 + planted_calls
    logs = sorted((tmp_path / "cloudtrail").rglob("*.json.gz"))
    digests = [p for p in logs if "CloudTrail-Digest" in p.as_posix()]
    events = [p for p in logs if p not in digests]
    assert len(events) == summary.files
    records = [r for p in events for r in json.loads(gzip.decompress(p.read_bytes()))["Records"]]
    assert len(records) == summary.records
    first = events[0].relative_to(tmp_path / "cloudtrail").parts
    assert first[:2] == ("AWSLogs", "o-sample1234")
    assert first[3] == "CloudTrail"
    # each file holds one account, region and 5-minute window
    for path in events[:50]:
        batch = json.loads(gzip.decompress(path.read_bytes()))["Records"]
        account, _, region = path.parts[-7], path.parts[-6], path.parts[-5]
        assert {r["recipientAccountId"] for r in batch} == {account}
        assert {r["awsRegion"] for r in batch} == {region}


def test_planted_role_ids_are_in_the_inventory(tmp_path: Path):
    generate(tmp_path, days=2, events_per_day=0)
    roles = json.loads((tmp_path / "inventory" / "iam_roles.json").read_text())["Roles"]
    role_ids = {r["RoleId"] for r in roles}
    own_sessions = {
        p.call.identity["principalId"].split(":")[0]
        for p in PLANTED
        if "sessionContext" in p.call.identity
    }
    assert own_sessions == {
        "AROAPRODAAPPOPERATOR1",
        "AROAPRODACIDEPLOYER01",
        "AROAPRODAAUTOSCALING1",
    }
    assert own_sessions <= role_ids


def test_too_few_days_is_refused(tmp_path: Path):
    with pytest.raises(ValueError, match=r"days must be at least 2 \(got 1\)"):
        generate(tmp_path, days=1)
