"""Find CloudTrail log files in a local folder and tell which day and partition they feed.

Two layouts are understood:

- the S3 key layout CloudTrail writes,
  `AWSLogs/[o-org/]<account>/CloudTrail/<region>/YYYY/MM/DD/<file>.json[.gz]`: the account,
  region and day come from the key, as the Athena table's partition projection reads them;
- any other (flat) folder: each record's `recipientAccountId` and `awsRegion` give its account
  and region, and its `eventTime` gives its day.

Files under `CloudTrail-Digest/` are digest files: they are listed so that they are counted,
never parsed as events.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

_S3_LAYOUT = re.compile(
    r"(?:^|/)AWSLogs/(?:o-[a-z0-9]{10,32}/)?(?P<account>\d{12})/(?P<kind>CloudTrail|CloudTrail-Digest)"
    r"/(?P<region>[a-z0-9-]+)/(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/[^/]+$"
)
_LOG_SUFFIXES = (".json", ".json.gz", ".gz", ".log", ".jsonl", ".ndjson")


@dataclass(frozen=True)
class SourceFile:
    """One input file and what its location says about it.

    `day` (`YYYY/MM/DD`), `account` and `region` are set only for the S3 key layout.
    """

    path: str
    size: int
    mtime_ns: int
    day: str | None = None
    account: str | None = None
    region: str | None = None
    digest: bool = False

    @property
    def fingerprint(self) -> tuple[str, int, int]:
        """What identifies this version of the file: path, size and modification time."""
        return (self.path, self.size, self.mtime_ns)


def _is_log_name(name: str) -> bool:
    return name.lower().endswith(_LOG_SUFFIXES) and not name.startswith(".")


def classify(path: Path, root: Path, size: int, mtime_ns: int) -> SourceFile:
    """Describe one file found under `root`."""
    return _classify(str(path), path.relative_to(root).as_posix(), size, mtime_ns)


def _classify(path: str, rel: str, size: int, mtime_ns: int) -> SourceFile:
    match = _S3_LAYOUT.search(rel)
    if match is None:
        return SourceFile(path, size, mtime_ns, digest="CloudTrail-Digest/" in rel)
    return SourceFile(
        path,
        size,
        mtime_ns,
        day=f"{match['y']}/{match['m']}/{match['d']}",
        account=match["account"],
        region=match["region"],
        digest=match["kind"] == "CloudTrail-Digest",
    )


def discover(root: Path) -> list[SourceFile]:
    """List every candidate log file under `root`, sorted by path.

    Raises:
        FileNotFoundError: `root` does not exist.
    """
    if not root.is_dir():
        raise FileNotFoundError(f"CloudTrail folder not found: {root}")
    found: list[SourceFile] = []
    top = str(root)
    skip = len(top) + 1
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if not _is_log_name(name):
                continue
            path = os.path.join(dirpath, name)
            stat = os.stat(path)
            rel = path[skip:].replace(os.sep, "/")
            found.append(_classify(path, rel, stat.st_size, stat.st_mtime_ns))
    found.sort(key=lambda f: f.path)
    return found
