"""Rule objects for the inventory enrichments of `perimeter/rules/roles.py`."""

import pandas as pd

from perimeter.rules import roles
from perimeter.rules.base import Rule, RuleContext


def _with_inventory(function):
    def apply(frame: pd.DataFrame, context: RuleContext) -> pd.DataFrame:
        return function(frame, context.inventory)

    return apply


ADD_IS_ASSUMABLE_BY = Rule(
    "add_column_is_assumable_by",
    "Adds `isAssumableBy`: the principals the caller's IAM role trusts (from the inventory).",
    _with_inventory(roles.add_column_is_assumable_by),
    adds=("isAssumableBy",),
)
ADD_IS_SERVICE_ROLE = Rule(
    "add_column_is_service_role",
    "Adds `isServiceRole`: whether the caller's IAM role trusts an AWS service.",
    _with_inventory(roles.add_column_is_service_role),
    adds=("isServiceRole",),
)
ADD_IS_SERVICE_LINKED_ROLE = Rule(
    "add_column_is_service_linked_role",
    "Adds `isServiceLinkedRole`: whether the caller's IAM role is service-linked.",
    _with_inventory(roles.add_column_is_service_linked_role),
    adds=("isServiceLinkedRole",),
)
REMOVE_SERVICE_LINKED_ROLES = Rule(
    "remove_calls_by_service_linked_role",
    "Removes calls by service-linked roles, including those of other accounts of the "
    "organization, which the SQL filter cannot see.",
    _with_inventory(roles.remove_calls_by_service_linked_role),
)
