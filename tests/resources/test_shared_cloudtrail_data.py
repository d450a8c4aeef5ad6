"""Every file of the shared real CloudTrail corpus through the DuckDB engine.

The corpus lives beside the checkout (`../shared/cloudtrail-data`) and is read in place. The
expected figures were counted independently of the code under test (jq and a few lines of
plain `json`/`gzip` Python over the files) and agree with the folders' READMEs except where
noted:

- invictus-aws_dataset: 55 files, 2,900 records, all on 2023-07-10, recipientAccountId
  123837392027 for all; vpcEndpointId on 155, requestParameters null on 333, userIdentity
  without `type` on 42.
- datadog-stratus-red-team-detonation-logs: 35 files, 310 records.
- elastic-integrations-cloudtrail-pipeline-tests: 8 files, 9 events (the README says 10; the
  lines say 1+1+3+1+1+1+1) and 1 digest file, the only file skipped as a whole.
- otrf-security-datasets: 1 NDJSON file, 103 records, none with eventTime.
- trailscraper-fixtures: 3 files, 2 + 2 + 3 = 7 records.

Duplicate deliveries (same eventID) are stored once: trailscraper's `.json` and `.json.gz`
copies of one log file and its smoke-test file hold the same 2 events and 1 more (3 unique of
7), and elastic's console-login file holds one event twice (8 unique of 9).
"""

import os
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from resources.engine import DuckDBEngine

DATA = (Path(__file__).resolve().parents[2] / ".." / "shared" / "cloudtrail-data").resolve()

INVICTUS = "invictus-aws_dataset"
OTRF = "otrf-security-datasets"
ELASTIC = "elastic-integrations-cloudtrail-pipeline-tests"
DIGEST = DATA / ELASTIC / "test-cloudtrail-digest-json.log"
OTRF_FILE = DATA / OTRF / "ec2_proxy_s3_exfiltration_2020-09-14011940.json"

FILES = {
    INVICTUS: 55,
    "datadog-stratus-red-team-detonation-logs": 35,
    ELASTIC: 8,
    OTRF: 1,
    "trailscraper-fixtures": 3,
}
RECORDS_READ = {
    INVICTUS: 2900,
    "datadog-stratus-red-team-detonation-logs": 310,
    ELASTIC: 9,
    OTRF: 103,
    "trailscraper-fixtures": 7,
}
RECORDS_STORED = RECORDS_READ | {OTRF: 0, ELASTIC: 8, "trailscraper-fixtures": 3}
STORED_PER_DAY = {
    "2014-07-08": 1,
    "2014-07-16": 1,
    "2015-06-17": 1,
    "2017-12-11": 2,
    "2019-10-02": 1,
    "2023-07-10": 2900,
    "2024-07-30": 36,
    "2024-07-31": 50,
    "2024-08-01": 97,
    "2024-08-02": 105,
    "2024-08-28": 1,
    "2024-10-08": 2,
    "2024-10-15": 1,
    "2024-10-17": 15,
    "2024-11-26": 4,
    "2024-11-30": 2,
    "2025-09-22": 1,
    "2026-01-05": 1,
}


def _modified_day(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).strftime("%Y-%m-%d")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    store = tmp_path_factory.mktemp("store")
    engine = DuckDBEngine(cloudtrail_root=str(DATA), store_dir=str(store), workers=1)
    days = engine.available_days()
    return engine, days, {day: engine.build_day_store(day) for day in days}


def _folder(path: str) -> str:
    return Path(path).relative_to(DATA).parts[0]


def test_days_are_the_record_days_plus_the_undated_files_modification_days(corpus):
    _, days, _ = corpus
    undated = {_modified_day(DIGEST), _modified_day(OTRF_FILE)}
    assert days == sorted(set(STORED_PER_DAY) | undated)


def test_every_day_accounts_for_every_record(corpus):
    _, _, manifests = corpus
    for day, m in manifests.items():
        assert m.records_read == m.records_stored + sum(m.records_skipped.values()), day
    stored = {day: m.records_stored for day, m in manifests.items() if day in STORED_PER_DAY}
    assert stored == STORED_PER_DAY
    skipped = Counter()
    for m in manifests.values():
        skipped.update(m.records_skipped)
    assert skipped == {"no eventTime": 103, "duplicate eventID": 5}


def test_every_file_is_read_and_counted_per_folder(corpus):
    _, _, manifests = corpus
    on_disk = {
        str(Path(dp) / n)
        for dp, _, names in os.walk(DATA)
        for n in names
        if not n.startswith("README")
    }
    outcomes = [f for m in manifests.values() for f in m.files]
    assert {f.path for f in outcomes} == on_disk
    assert Counter(_folder(p) for p in on_disk) == FILES
    read, stored = Counter(), Counter()
    for f in outcomes:
        read[_folder(f.path)] += f.records_read
        stored[_folder(f.path)] += f.records_stored
    assert read == RECORDS_READ
    assert dict(stored) == RECORDS_STORED


def test_only_the_digest_file_is_skipped_and_it_is_reported(corpus):
    _, _, manifests = corpus
    skipped = [s for m in manifests.values() for s in m.skipped_files]
    assert skipped == [{"path": str(DIGEST), "reason": "digest file"}]
    (otrf,) = [f for m in manifests.values() for f in m.files if f.path == str(OTRF_FILE)]
    assert (otrf.records_read, otrf.records_stored, otrf.skipped) == (103, 0, {"no eventTime": 103})
    assert manifests["2023-07-10"].records_stored == 2900
    assert len(manifests["2023-07-10"].files) == 55


def test_queries_see_the_invictus_columns(corpus):
    engine, days, _ = corpus

    def count(where: str, params: dict, on=("2023-07-10",)) -> int:
        return int(
            engine.run_query(f"SELECT count(*) FROM cloudtrail WHERE {where}", params, on).iloc[
                0, 0
            ]
        )

    assert count("1 = 1", {}, days) == sum(STORED_PER_DAY.values()) == 3221
    assert (
        count("p_account = :a AND p_region = :r", {"a": "123837392027", "r": "us-east-1"}) == 2900
    )
    assert count("vpcendpointid IS NOT NULL", {}) == 155
    assert count("requestparameters IS NULL", {}) == 333
    assert count("useridentity.type IS NULL", {}) == 42
