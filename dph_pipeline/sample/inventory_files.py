"""Write the organisation as the inventory files `LocalInventory` reads (AWS CLI shapes)."""

import json
from pathlib import Path
from typing import Any

from dph_pipeline.sample.org import ORG_ID, ROOT_ID, SampleOrg


def _trust_policy(trusted: dict[str, str]) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": trusted, "Action": "sts:AssumeRole"}],
    }


def inventory_documents(org: SampleOrg) -> dict[str, Any]:
    """File name -> JSON document, one per inventory file."""
    arn = f"arn:aws:organizations::{next(iter(org.accounts))}"
    return {
        "accounts.json": {
            "Accounts": [
                {
                    "Id": account,
                    "Arn": f"{arn}:account/{ORG_ID}/{account}",
                    "Name": name,
                    "Email": f"aws+{name}@example.com",
                    "Status": "ACTIVE",
                }
                for account, (name, _) in org.accounts.items()
            ]
        },
        "organizational_units.json": {
            "Roots": [{"Id": ROOT_ID, "Arn": f"{arn}:root/{ORG_ID}/{ROOT_ID}", "Name": "Root"}],
            "OrganizationalUnits": [
                {"Id": ou, "Arn": f"{arn}:ou/{ORG_ID}/{ou}", "Name": name, "ParentId": parent}
                for ou, name, parent in org.ous
            ],
            "AccountParents": {account: parent for account, (_, parent) in org.accounts.items()},
        },
        "iam_roles.json": {
            "Roles": [
                {
                    "Path": "/" + role.path.rsplit("/", 1)[0] + "/" if "/" in role.path else "/",
                    "RoleName": role.name,
                    "RoleId": role.role_id,
                    "Arn": role.arn,
                    "CreateDate": "2023-01-01T00:00:00+00:00",
                    "AssumeRolePolicyDocument": _trust_policy(role.trusted),
                    "MaxSessionDuration": 3600,
                }
                for role in org.roles
            ]
        },
        "vpc_endpoints.json": {
            "VpcEndpoints": [
                {
                    "VpcEndpointId": e.endpoint_id,
                    "VpcEndpointType": "Gateway" if e.service.endswith(".s3") else "Interface",
                    "VpcId": e.vpc_id,
                    "ServiceName": e.service,
                    "State": "available",
                    "OwnerId": e.owner,
                }
                for e in org.endpoints
            ]
        },
        "s3_buckets.json": [
            {
                "AccountId": account,
                "Buckets": [
                    {
                        "Name": b.name,
                        "BucketRegion": b.region,
                        "CreationDate": "2023-01-01T00:00:00+00:00",
                    }
                    for b in org.buckets
                    if b.account == account
                ],
            }
            for account in org.accounts
            if any(b.account == account for b in org.buckets)
        ],
    }


def write_inventory(org: SampleOrg, folder: Path) -> None:
    """Write the five inventory files into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, doc in inventory_documents(org).items():
        (folder / name).write_text(json.dumps(doc, indent=2) + "\n")
