"""A query's result has the same columns whether or not it reports anything."""

import pandas as pd

from perimeter.config import PerimeterConfig
from perimeter.inventory import InventorySnapshot
from perimeter.queries.process import post_process
from perimeter.queries.registry import catalogue
from perimeter.rules.base import RuleContext

DENIED_COLUMNS = (
    "p_date", "p_account", "principal_arn", "principal_type", "principal_accountid",
    "principalid", "eventsource", "eventname", "errorcode", "errormessage", "sourceipaddress",
    "vpcendpointid", "nb_reqs", "isAssumableBy", "isServiceRole", "isServiceLinkedRole",
    "controlType", "findings",
)  # fmt: skip


def test_denied_result_columns():
    assert catalogue()["common_only_denied"].result_columns == DENIED_COLUMNS


def test_empty_result_keeps_every_column():
    spec = catalogue()["common_only_denied"]
    empty = pd.DataFrame(columns=list(spec.output_columns))
    context = RuleContext(PerimeterConfig.from_mapping({"baseline": {}}), InventorySnapshot({}))
    assert tuple(post_process(spec, empty, context).columns) == DENIED_COLUMNS
