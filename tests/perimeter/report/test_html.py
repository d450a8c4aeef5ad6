import base64
import hashlib
import re
from datetime import UTC, date, datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from perimeter.report import Report, ReportItem, render_html, write_html

ACCOUNT_A = "111122223333"
ACCOUNT_B = "444455556666"
EMPTY = "No call outside the perimeter for this query in the window."


def make_report() -> Report:
    denied = pd.DataFrame(
        {
            "p_account": [ACCOUNT_A, ACCOUNT_B],
            "eventname": ["GetObject", '=HYPERLINK("http://x")'],
            "useragent": ["<script>alert(1)</script>", "@SUM(A1)"],
            "vpcendpointid": [None, "vpce-0abc"],
            "resources": [["arn:aws:s3:::bucket-a"], {"bucket": "b"}],
            "nb_reqs": [3, 5],
            "controlType": ["All", "All"],
            "findings": ["Denied in account A.", "Denied in account B."],
        }
    )
    empty = pd.DataFrame(
        {
            "p_account": pd.Series(dtype="string"),
            "nb_reqs": pd.Series(dtype="int64"),
            "controlType": pd.Series(dtype="string"),
            "findings": pd.Series(dtype="string"),
        }
    )
    return Report(
        title="Data perimeter report",
        generated_at=datetime(2024, 5, 8, 6, 30, tzinfo=UTC),
        window_start=date(2024, 5, 1),
        window_end=date(2024, 5, 7),
        engine="duckdb",
        items=(
            ReportItem(
                "common_only_denied",
                "API calls denied by a perimeter control",
                "Lists calls that failed with AccessDenied.",
                "All",
                "SELECT p_account FROM cloudtrail WHERE errorcode = 'AccessDenied'",
                denied,
            ),
            ReportItem(
                "s3_scp_network_perimeter_ipv4",
                "S3 calls from outside the expected networks",
                "Lists S3 calls from unexpected IPv4 ranges.",
                "network_perimeter",
                "",
                empty,
            ),
        ),
        notes=("2 log files skipped <unreadable>.",),
    )


class _Tables(HTMLParser):
    """Collects every table as rows of cell texts, and every href/src value."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.links: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [v or "" for k, v in attrs if k in ("href", "src")]
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def parse(page: str) -> _Tables:
    parser = _Tables()
    parser.feed(page)
    return parser


def test_header_shows_run_metadata_and_escaped_notes() -> None:
    page = render_html(make_report())
    assert "<title>Data perimeter report</title>" in page
    assert "<dt>Generated (UTC)</dt><dd>2024-05-08T06:30:00Z</dd>" in page
    assert "<dd>2024-05-01 to 2024-05-07</dd>" in page
    assert "<dt>Engine</dt><dd>duckdb</dd>" in page
    assert "<li>2 log files skipped &lt;unreadable&gt;.</li>" in page


def test_summary_tables_hold_hand_computed_numbers() -> None:
    by_query, by_account = parse(render_html(make_report())).tables[:2]
    assert by_query == [
        ["query_id", "title", "control_type", "rows", "total_calls", "accounts"],
        ["", "", "", "", "", ""],
        ["common_only_denied", "API calls denied by a perimeter control", "All", "2", "8", "2"],
        [
            "s3_scp_network_perimeter_ipv4",
            "S3 calls from outside the expected networks",
            "network_perimeter",
            "0",
            "0",
            "0",
        ],
    ]
    assert by_account == [
        ["p_account", "common_only_denied", "total"],
        ["", "", ""],
        [ACCOUNT_A, "3", "3"],
        [ACCOUNT_B, "5", "5"],
        ["total", "8", "8"],
    ]


def test_summary_links_to_each_query_section() -> None:
    page = render_html(make_report())
    for query_id in ("common_only_denied", "s3_scp_network_perimeter_ipv4"):
        assert f'<a href="#query-{query_id}">{query_id}</a>' in page
        assert f'<section class="query" id="query-{query_id}">' in page
    assert page.count("<tfoot>") == 1  # only the per-account total row is pinned


def test_result_table_escapes_values_and_renders_nulls_and_json() -> None:
    page = render_html(make_report())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert "[&quot;arn:aws:s3:::bucket-a&quot;]" in page
    result = parse(page).tables[2]
    assert result[0] == [
        "p_account",
        "eventname",
        "useragent",
        "vpcendpointid",
        "resources",
        "nb_reqs",
        "controlType",
        "findings",
    ]
    assert result[2:] == [
        [
            ACCOUNT_A,
            "GetObject",
            "<script>alert(1)</script>",
            "",
            '["arn:aws:s3:::bucket-a"]',
            "3",
            "All",
            "Denied in account A.",
        ],
        [
            ACCOUNT_B,
            '=HYPERLINK("http://x")',
            "@SUM(A1)",
            "vpce-0abc",
            '{"bucket":"b"}',
            "5",
            "All",
            "Denied in account B.",
        ],
    ]


def test_tables_are_sortable_and_filterable() -> None:
    page = render_html(make_report())
    assert 'data-type="number" aria-sort="none"><button type="button">nb_reqs</button>' in page
    assert 'data-type="text" aria-sort="none"><button type="button">useragent</button>' in page
    assert page.count('class="filter-all"') == 3  # two summary tables and one result table
    assert page.count('aria-label="Filter column ') == 6 + 3 + 8
    assert 'class="mono" data-type="text" aria-sort="none"><button type="button">p_account' in page


def test_page_is_self_contained() -> None:
    page = render_html(make_report())
    links = parse(page).links
    assert links and all(link.startswith("#") for link in links)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:|//)""", page, re.IGNORECASE)
    assert "<link" not in page and "<img" not in page and "@import" not in page
    assert "document.querySelectorAll" in page  # report.js is inlined
    assert "position: sticky" in page  # report.css is inlined


def test_csp_allows_exactly_the_inlined_style_and_script() -> None:
    page = render_html(make_report())
    css = page.split("<style>", 1)[1].split("</style>", 1)[0]
    js = page.split("<script>", 1)[1].split("</script>", 1)[0]

    def sha(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    csp = unescape(page.split('http-equiv="Content-Security-Policy" content="', 1)[1])
    assert csp.startswith(
        f"default-src 'none'; style-src 'sha256-{sha(css)}'; script-src 'sha256-{sha(js)}';"
    )


def test_sql_is_collapsible_and_empty_query_says_so() -> None:
    page = render_html(make_report())
    assert (
        "<details><summary>SQL</summary><pre><code>SELECT p_account FROM cloudtrail "
        "WHERE errorcode = &#x27;AccessDenied&#x27;</code></pre></details>"
    ) in page
    assert page.count("<details>") == 1  # the query without SQL gets no empty block
    empty_section = page.split('id="query-s3_scp_network_perimeter_ipv4">', 1)[1]
    assert f'<p class="empty">{EMPTY}</p>' in empty_section
    assert "<table" not in empty_section
    assert page.count(EMPTY) == 1


def test_write_html_writes_the_rendered_page(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.html"
    assert write_html(make_report(), target) == target
    assert target.read_text(encoding="utf-8") == render_html(make_report())
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.html"]
