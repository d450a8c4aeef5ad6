"""Query cases, as data: one module per catalogue query, named after the query id.

Each module holds `COLUMNS`, the query's result columns in order, and `CASES`, a list of dicts:

- `name`: what the case shows;
- `events`: CloudTrail events, as CloudTrail writes them (camelCase keys);
- `must_report`: the exact result rows, each with every column of `COLUMNS`; or
- `must_not_report`: True, when the events must give no row.

The organisation, perimeter file and inventory every case runs against are in `_org.py`.
"""
