"""Enrich result rows with facts about the caller's IAM role, and drop service-linked roles.

Every function takes a result frame (columns `principal_accountid` and `principalid`, missing
values being None, NaN or `pd.NA`) and the inventory snapshot (`accounts`, `iam_roles`), and
returns a new frame; the input is not modified. Upstream's rules are in spec 1.9 (items 3-5, 7).

The gating is upstream's, per row:
* `PRINCIPAL_NOT_IN_ORGANIZATION` when the principal's account is missing or not an account of
  the organization;
* otherwise a missing value (None) when `principalid` is missing;
* otherwise the role whose `roleId` is the part of `principalid` before the first `:`
  (assumed-role ids read `AROA...:session`), or `IAM_ROLE_NOT_IN_INVENTORY` when there is none,
  which is the case of IAM users, root and roles the inventory lacks.

Upstream called the last sentinel `IAM_ROLE_NOT_IN_CONFIG_AGGREGATOR`; the inventory need not
come from AWS Config here, hence the new name.
"""

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from perimeter.inventory import IAM_ROLES, InventorySnapshot

PRINCIPAL_NOT_IN_ORGANIZATION = "PRINCIPAL_NOT_IN_ORGANIZATION"
IAM_ROLE_NOT_IN_INVENTORY = "IAM_ROLE_NOT_IN_INVENTORY"

IS_ASSUMABLE_BY = "isAssumableBy"
IS_SERVICE_ROLE = "isServiceRole"
IS_SERVICE_LINKED_ROLE = "isServiceLinkedRole"

_Role = Mapping[str, Any]


def _principals(value: Any) -> list[dict[str, str]]:
    """A fresh list of principal dicts (Parquet gives back numpy arrays of dicts)."""
    if isinstance(value, list | tuple | np.ndarray):
        return [dict(p) for p in value]
    return []


def _roles_by_id(inventory: InventorySnapshot) -> dict[str, _Role]:
    """Role records by roleId; a role listed twice keeps its first record."""
    roles: dict[str, _Role] = {}
    for record in inventory.get(IAM_ROLES).to_dict("records"):
        roles.setdefault(record["roleId"], record)
    return roles


def _role_column(
    frame: pd.DataFrame,
    inventory: InventorySnapshot,
    value: Callable[[_Role], Any],
) -> pd.Series:
    """One value per row: a sentinel, None, or `value(role)` for the caller's role."""
    org = inventory.org_account_ids()
    roles = _roles_by_id(inventory) if len(frame) else {}

    def one(account: Any, principal_id: Any) -> Any:
        if not isinstance(account, str) or account not in org:
            return PRINCIPAL_NOT_IN_ORGANIZATION
        if not isinstance(principal_id, str):
            return None
        role = roles.get(principal_id.split(":", 1)[0])
        return IAM_ROLE_NOT_IN_INVENTORY if role is None else value(role)

    values = [
        one(account, principal_id)
        for account, principal_id in zip(
            frame["principal_accountid"], frame["principalid"], strict=True
        )
    ]
    return pd.Series(values, index=frame.index, dtype=object)


def add_column_is_assumable_by(frame: pd.DataFrame, inventory: InventorySnapshot) -> pd.DataFrame:
    """Add `isAssumableBy`: the principals that the caller's role trusts, or a sentinel.

    The value is the role's `allowedPrincipalList` as a real list of `{"type", "principal"}`
    dicts. Upstream stored the list's string form (spec quirk 5), which kept the FAS rule from
    ever reading it; a list is what that rule needs.
    """
    column = _role_column(frame, inventory, lambda role: _principals(role["allowedPrincipalList"]))
    return frame.assign(**{IS_ASSUMABLE_BY: column})


def add_column_is_service_role(frame: pd.DataFrame, inventory: InventorySnapshot) -> pd.DataFrame:
    """Add `isServiceRole`: True or False for a role of the inventory, else a sentinel or None.

    Values are real booleans, where upstream stored the strings `'True'`/`'False'`.
    """
    column = _role_column(frame, inventory, lambda role: bool(role["isServiceRole"]))
    return frame.assign(**{IS_SERVICE_ROLE: column})


def add_column_is_service_linked_role(
    frame: pd.DataFrame, inventory: InventorySnapshot
) -> pd.DataFrame:
    """Add `isServiceLinkedRole`: True or False for a role of the inventory, else a sentinel.

    Missing `principalid` gives None, as for the other columns; values are real booleans.
    """
    column = _role_column(frame, inventory, lambda role: bool(role["isServiceLinkedRole"]))
    return frame.assign(**{IS_SERVICE_LINKED_ROLE: column})


def _is_true(value: Any) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    return isinstance(value, str) and value == "True"


def remove_calls_by_service_linked_role(
    frame: pd.DataFrame, inventory: InventorySnapshot
) -> pd.DataFrame:
    """Drop the rows whose caller is a service-linked role of the inventory.

    It uses `isServiceLinkedRole` when present (True, or the text `'True'` of a stored frame),
    and otherwise computes it and drops it again. This catches the service-linked roles of
    other accounts of the organization, which the SQL filter on the session issuer cannot see
    (spec quirk 16); a service-linked role the inventory lacks is kept.
    """
    added = IS_SERVICE_LINKED_ROLE not in frame
    enriched = add_column_is_service_linked_role(frame, inventory) if added else frame
    keep = ~enriched[IS_SERVICE_LINKED_ROLE].map(_is_true).astype(bool)
    kept = enriched[keep].reset_index(drop=True)
    return kept.drop(columns=IS_SERVICE_LINKED_ROLE) if added else kept
