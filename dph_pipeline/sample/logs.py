"""Write records as CloudTrail delivers them to S3: gzip files of `{"Records": [...]}`.

Keys follow `AWSLogs/<org id>/<account>/CloudTrail/<region>/YYYY/MM/DD/`, one file per
account, region and 5-minute delivery window. Each account and day also gets a digest file
under `CloudTrail-Digest/`, which readers must skip.
"""

import gzip
import json
import random
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from dph_pipeline.sample.org import ORG_ID

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _gzip(payload: bytes) -> bytes:
    return gzip.compress(payload, compresslevel=6, mtime=0)


def write_logs(records: Iterable[dict[str, Any]], root: Path, seed: int) -> tuple[int, int]:
    """Write `records` under `root` in the S3 key layout; return (files, records) written."""
    windows: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for rec in records:
        at = rec["eventTime"]
        minute = int(at[14:16]) // 5 * 5
        stamp = f"{at[0:4]}{at[5:7]}{at[8:10]}T{at[11:13]}{minute:02d}Z"
        windows[(rec["recipientAccountId"], rec["awsRegion"], stamp)].append(rec)
    rng = random.Random(seed)
    days: set[tuple[str, str, str]] = set()
    for (account, region, stamp), batch in sorted(windows.items()):
        batch.sort(key=lambda r: r["eventTime"])
        folder = _folder(root, account, "CloudTrail", region, stamp)
        folder.mkdir(parents=True, exist_ok=True)
        suffix = "".join(rng.choice(_ALPHABET) for _ in range(16))
        name = f"{account}_CloudTrail_{region}_{stamp}_{suffix}.json.gz"
        payload = orjson.dumps({"Records": batch})
        (folder / name).write_bytes(_gzip(payload))
        days.add((account, region, stamp[:8]))
    for account, region, day in sorted(days):
        _write_digest(root, account, region, day)
    return len(windows), sum(len(b) for b in windows.values())


def _folder(root: Path, account: str, kind: str, region: str, stamp: str) -> Path:
    return (
        root / "AWSLogs" / ORG_ID / account / kind / region / stamp[0:4] / stamp[4:6] / stamp[6:8]
    )


def _write_digest(root: Path, account: str, region: str, day: str) -> None:
    folder = _folder(root, account, "CloudTrail-Digest", region, day)
    folder.mkdir(parents=True, exist_ok=True)
    start = datetime.strptime(day, "%Y%m%d")
    digest = {
        "awsAccountId": account,
        "digestStartTime": f"{start:%Y-%m-%dT}00:00:00Z",
        "digestEndTime": f"{start:%Y-%m-%dT}01:00:00Z",
        "digestS3Bucket": "sample-security-logs",
        "digestSignatureAlgorithm": "SHA256withRSA",
        "logFiles": [],
    }
    name = f"{account}_CloudTrail-Digest_{region}_org-trail_{region}_{day}T010000Z.json.gz"
    (folder / name).write_bytes(_gzip(json.dumps(digest).encode()))
