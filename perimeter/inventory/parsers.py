"""Inventory frames from already-parsed AWS CLI JSON output (the local snapshot files).

Each parser takes the document as `json.loads` returns it, plus `source`, the file path that
error messages name. A file holds one CLI output document, or a JSON array of them (one per
account, for instance). Bad input raises `ConfigError` shaped
`<file>: <key path>: <problem> (got <value>)`, for example
`/x/accounts.json: Accounts[2].Id: not a 12-digit account id (got '12345')`; in an array the key
path starts with the document's index (`[1].Accounts[0].Id`). `docs/inventory.md` documents the
files and the CLI commands that produce them.
"""

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn
from urllib.parse import unquote

import pandas as pd

from perimeter.errors import ConfigError
from perimeter.identifiers import ACCOUNT_ID, OU_ID, ROOT_ID, VPC_ID, VPCE_ID
from perimeter.inventory import (
    ACCOUNTS,
    IAM_ROLES,
    ORG_TREE,
    S3_BUCKETS,
    VPC_ENDPOINTS,
    dataset_frame,
)
from perimeter.inventory.roles import (
    TrustPolicyError,
    allowed_principals,
    is_service_linked_role,
    is_service_role,
)

ROOT_NAME = "Root"
"""The name given to an organization root, as upstream (spec 4.3)."""

_ROLE_ARN = re.compile(r"arn:aws[\w-]*:iam::(\d{12}):role/.+")
_ROLE_ID = re.compile(r"AROA[0-9A-Z]+")
_MISSING = object()
_MAX_REPR = 120


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


@dataclass(frozen=True)
class _File:
    """Reads one parsed file; every error names the file and the key path."""

    source: str

    def fail(self, path: str, problem: str, value: Any = _MISSING) -> NoReturn:
        if value is _MISSING:
            raise ConfigError(f"{self.source}: {path}: {problem}")
        shown = repr(value)
        if len(shown) > _MAX_REPR:
            shown = shown[: _MAX_REPR - 3] + "..."
        raise ConfigError(f"{self.source}: {path}: {problem} (got {shown})")

    def documents(self, doc: Any) -> list[tuple[str, dict[str, Any]]]:
        """(key path, document) of a single document, or of each one of an array."""
        if isinstance(doc, dict):
            return [("", doc)]
        if not isinstance(doc, list):
            self.fail("$", "not a JSON object or array", doc)
        for index, document in enumerate(doc):
            if not isinstance(document, dict):
                self.fail(f"[{index}]", "not a JSON object", document)
        return [(f"[{index}]", document) for index, document in enumerate(doc)]

    def value(self, mapping: Mapping[str, Any], path: str, key: str) -> Any:
        if key not in mapping:
            self.fail(_join(path, key), "missing key")
        return mapping[key]

    def objects(
        self, document: Mapping[str, Any], path: str, key: str
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """(key path, object) of each element of list `key`."""
        values = self.value(document, path, key)
        path = _join(path, key)
        if not isinstance(values, list):
            self.fail(path, "not a list", values)
        for index, item in enumerate(values):
            if not isinstance(item, dict):
                self.fail(f"{path}[{index}]", "not an object", item)
            yield f"{path}[{index}]", item

    def each(self, doc: Any, key: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """(key path, object) of each element of list `key`, across every document."""
        for path, document in self.documents(doc):
            yield from self.objects(document, path, key)

    def text(
        self,
        mapping: Mapping[str, Any],
        path: str,
        key: str,
        pattern: tuple[re.Pattern[str], str] | None = None,
    ) -> str:
        """A required string, optionally checked against (pattern, problem)."""
        value = self.value(mapping, path, key)
        if not isinstance(value, str):
            self.fail(_join(path, key), "not a string", value)
        if pattern is not None and not pattern[0].fullmatch(value):
            self.fail(_join(path, key), pattern[1], value)
        return value

    def optional_text(self, mapping: Mapping[str, Any], path: str, key: str) -> str | None:
        """A string that may be absent or null (None then)."""
        if mapping.get(key) is None:
            return None
        return self.text(mapping, path, key)


_ACCOUNT = (ACCOUNT_ID, "not a 12-digit account id")


def parse_accounts(doc: Any, source: str) -> pd.DataFrame:
    """ACCOUNTS from `aws organizations list-accounts` output (`{"Accounts": [...]}`).

    `status` is `Status`, or `State` when `Status` is absent (Organizations replaces the
    former with the latter); it is missing when neither is present. An account listed twice
    keeps its first entry.
    """
    file = _File(source)
    rows = []
    for path, item in file.each(doc, "Accounts"):
        status = file.optional_text(item, path, "Status")
        rows.append(
            {
                "accountid": file.text(item, path, "Id", _ACCOUNT),
                "name": file.text(item, path, "Name"),
                "status": status if status is not None else file.optional_text(item, path, "State"),
            }
        )
    return dataset_frame(ACCOUNTS, rows).drop_duplicates("accountid", ignore_index=True)


def _policy(file: _File, value: Any, path: str) -> dict[str, Any]:
    """A trust policy given as an object, a JSON string or URL-encoded JSON (IAM's API)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            try:
                value = json.loads(unquote(value))
            except json.JSONDecodeError as error:
                file.fail(path, f"not a JSON or URL-encoded JSON policy: {error.msg}", value)
    if not isinstance(value, dict):
        file.fail(path, "not a policy object", value)
    return value


def _role_row(file: _File, path: str, item: Mapping[str, Any]) -> dict[str, Any]:
    arn = file.text(item, path, "Arn", (_ROLE_ARN, "not an IAM role ARN"))
    policy_path = _join(path, "AssumeRolePolicyDocument")
    policy = _policy(file, file.value(item, path, "AssumeRolePolicyDocument"), policy_path)
    try:
        principals = allowed_principals(policy)
    except TrustPolicyError as error:
        file.fail(_join(policy_path, error.key_path), error.problem, error.value)
    return {
        "accountId": arn.split(":")[4],
        "roleId": file.text(item, path, "RoleId", (_ROLE_ID, "not an IAM role id")),
        "roleName": file.text(item, path, "RoleName"),
        "arn": arn,
        "allowedPrincipalList": principals,
        "isServiceRole": is_service_role(arn, principals),
        "isServiceLinkedRole": is_service_linked_role(arn),
    }


def parse_iam_roles(doc: Any, source: str) -> pd.DataFrame:
    """IAM_ROLES from `aws iam list-roles` output (`{"Roles": [...]}`).

    Roles of several accounts may share one `Roles` list: a role's account is the one in its
    ARN. `AssumeRolePolicyDocument` may be an object (what the CLI prints) or URL-encoded JSON
    (what IAM's API returns). A role id listed twice keeps its first entry.
    """
    file = _File(source)
    rows = [_role_row(file, path, item) for path, item in file.each(doc, "Roles")]
    return dataset_frame(IAM_ROLES, rows).drop_duplicates("roleId", ignore_index=True)


def _endpoint_policy(file: _File, item: Mapping[str, Any], path: str) -> str | None:
    policy = item.get("PolicyDocument")
    if isinstance(policy, dict):
        return json.dumps(policy, separators=(",", ":"))
    return file.optional_text(item, path, "PolicyDocument")


def parse_vpc_endpoints(doc: Any, source: str) -> pd.DataFrame:
    """VPC_ENDPOINTS from `aws ec2 describe-vpc-endpoints` output (`{"VpcEndpoints": [...]}`).

    `ServiceName` and `PolicyDocument` may be absent (resource and service-network endpoints
    have no service name); `PolicyDocument` is kept as text, an object being serialised compactly.
    """
    file = _File(source)
    rows = [
        {
            "vpcEndpointId": file.text(item, path, "VpcEndpointId", (VPCE_ID, "not a VPCE id")),
            "vpcId": file.text(item, path, "VpcId", (VPC_ID, "not a VPC id")),
            "ownerId": file.text(item, path, "OwnerId", _ACCOUNT),
            "serviceName": file.optional_text(item, path, "ServiceName"),
            "vpcEndpointType": file.text(item, path, "VpcEndpointType"),
            "policyDocument": _endpoint_policy(file, item, path),
        }
        for path, item in file.each(doc, "VpcEndpoints")
    ]
    return dataset_frame(VPC_ENDPOINTS, rows)


def parse_s3_buckets(doc: Any, source: str) -> pd.DataFrame:
    """S3_BUCKETS from `aws s3api list-buckets` output plus a top-level `AccountId`.

    `ListBuckets` does not say whose buckets it lists, so each document carries the account id
    the user adds (`{"AccountId": "111122223333", "Buckets": [...]}`). `awsRegion` is
    `BucketRegion`, missing when absent.
    """
    file = _File(source)
    rows = []
    for path, document in file.documents(doc):
        account = file.text(document, path, "AccountId", _ACCOUNT)
        rows += [
            {
                "accountId": account,
                "resourceId": file.text(item, item_path, "Name"),
                "awsRegion": file.optional_text(item, item_path, "BucketRegion"),
            }
            for item_path, item in file.objects(document, path, "Buckets")
        ]
    return dataset_frame(S3_BUCKETS, rows)


@dataclass(frozen=True)
class _Node:
    name: str
    parent: str | None
    path: str


def _org_nodes(file: _File, doc: Any) -> tuple[dict[str, _Node], dict[str, tuple[str, str]]]:
    """Roots and OUs by id, and each account's (direct parent id, key path)."""
    nodes: dict[str, _Node] = {}
    accounts: dict[str, tuple[str, str]] = {}
    parent_id = (re.compile(f"{ROOT_ID.pattern}|{OU_ID.pattern}"), "not a root or OU id")
    for path, root in file.each(doc, "Roots"):
        root_id = file.text(root, path, "Id", (ROOT_ID, "not a root id"))
        nodes.setdefault(root_id, _Node(ROOT_NAME, None, path))
    for path, ou in file.each(doc, "OrganizationalUnits"):
        ou_id = file.text(ou, path, "Id", (OU_ID, "not an OU id"))
        parent = file.text(ou, path, "ParentId", parent_id)
        nodes.setdefault(ou_id, _Node(file.text(ou, path, "Name"), parent, path))
    for path, document in file.documents(doc):
        parents = file.value(document, path, "AccountParents")
        path = _join(path, "AccountParents")
        if not isinstance(parents, dict):
            file.fail(path, "not an object", parents)
        for account in parents:
            if not ACCOUNT_ID.fullmatch(account):
                file.fail(path, "not a 12-digit account id", account)
            parent = file.text(parents, path, account, parent_id)
            accounts.setdefault(account, (parent, _join(path, account)))
    return nodes, accounts


def _ancestors(file: _File, nodes: Mapping[str, _Node], parent: str, path: str) -> list[str]:
    """Ids from the root down to `parent`, the direct parent referenced at `path`."""
    chain: list[str] = []
    node_id: str | None = parent
    while node_id is not None:
        if node_id not in nodes:
            file.fail(path, "unknown parent id", node_id)
        if node_id in chain:
            file.fail(_join(nodes[node_id].path, "ParentId"), "cycle in the OU tree", node_id)
        chain.append(node_id)
        path = _join(nodes[node_id].path, "ParentId")
        node_id = nodes[node_id].parent
    return chain[::-1]


def parse_org_tree(doc: Any, accounts_frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """ORG_TREE: each account of `accounts_frame` with its full path from the root.

    `doc` is `{"Roots": [...], "OrganizationalUnits": [{"Id", "Name", "ParentId"}, ...],
    "AccountParents": {"<account id>": "<root or OU id>"}}`. `parent` lists ids from the root
    to the account's direct parent and `parent_name` their names (the root's is `Root`);
    `parent_name_path` joins the names with `/`. Unlike upstream, the depth is not limited.
    Accounts of `AccountParents` absent from `accounts_frame` are ignored; an account of
    `accounts_frame` absent from `AccountParents` is an error, as in upstream.
    """
    file = _File(source)
    nodes, parents = _org_nodes(file, doc)
    rows = []
    for account, name in zip(accounts_frame["accountid"], accounts_frame["name"], strict=True):
        if account not in parents:
            file.fail("AccountParents", "no parent for an account of the accounts file", account)
        chain = _ancestors(file, nodes, *parents[account])
        names = [nodes[node_id].name for node_id in chain]
        rows.append(
            {
                "accountid": account,
                "name": name,
                "parent": chain,
                "parent_name": names,
                "parent_name_path": "/".join(names),
            }
        )
    return dataset_frame(ORG_TREE, rows)
