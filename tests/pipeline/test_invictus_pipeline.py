"""The whole job on real CloudTrail files: the invictus-ir dataset (2,900 records, 2023-07-10).

Expected figures were counted from the raw JSON files with an independent script (group the
records whose errorCode is one of the four access-denied codes by the query's columns).
"""

import json
from collections import Counter

import pytest

from tests.pipeline.conftest import SHARED_DATA, run, write_project

ACCOUNT = "123837392027"
USER = "AIDATFQR7NSC5AU2ZV3IE"
USR_DATA_ROLE = "AROATFQR7NSCWCZMFXMXZ"
LEAVE_ORG_SESSION = "AROATFQR7NSCRI4ZA26CX:aws-go-sdk-1688990515440126480"
INVENTORY = {
    "accounts.json": {"Accounts": [{"Id": ACCOUNT, "Name": "stratus-lab", "Status": "ACTIVE"}]},
    "iam_roles.json": {
        "Roles": [
            {
                "RoleName": "stratus-red-team-get-usr-data-role",
                "RoleId": USR_DATA_ROLE,
                "Arn": f"arn:aws:iam::{ACCOUNT}:role/stratus-red-team-get-usr-data-role",
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "ec2.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
            }
        ]
    },
}


@pytest.fixture(scope="module")
def invictus(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("invictus")
    variables = write_project(
        folder,
        SHARED_DATA / "invictus-aws_dataset",
        INVENTORY,
        "baseline:\n  network_perimeter_expected_public_cidr: [192.168.0.0/16]\n",
        '  partitions_start_date: "2023-07-01"\n',
    )
    _, outcome = run(variables, start="2023-07-10", end="2023-07-10")
    report = json.loads((folder / "outputs" / "data_perimeter.json").read_text())
    return folder, outcome, {q["query_id"]: q["rows"] for q in report["queries"]}


def test_every_record_is_read_and_stored(invictus):
    folder, outcome, _ = invictus
    manifest = json.loads((folder / "store/cloudtrail/day=2023-07-10/manifest.json").read_text())
    assert manifest["records_read"] == 2900
    assert manifest["records_stored"] == 2900
    assert outcome.rows["cloudtrail_day_store"] == 2900


def test_denied_calls_grouped_as_the_query_columns(invictus):
    _, outcome, rows = invictus
    denied = rows["common_only_denied"]
    assert len(denied) == 53
    assert sum(r["nb_reqs"] for r in denied) == 61
    assert outcome.rows["common_only_denied"] == 53
    rows_by_key = Counter((r["principalid"], r["eventname"], r["errorcode"]) for r in denied)
    calls_by_key = Counter()
    for r in denied:
        calls_by_key[(r["principalid"], r["eventname"], r["errorcode"])] += r["nb_reqs"]
    get_password = "AROATFQR7NSCWWVLB7BES:aws-go-sdk-1688990082523310002"
    usr_data = f"{USR_DATA_ROLE}:aws-go-sdk-1688990565286187801"
    expected = {
        (USER, "AssumeRole", "AccessDenied"): (5, 13),
        (USER, "GetCostAndUsage", "AccessDenied"): (1, 1),
        (USER, "GetCostForecast", "AccessDenied"): (1, 1),
        (USER, "RevokeSecurityGroupEgress", "Client.InvalidPermission.NotFound"): (1, 1),
        (LEAVE_ORG_SESSION, "LeaveOrganization", "AccessDenied"): (1, 1),
        (usr_data, "DescribeInstanceAttribute", "Client.UnauthorizedOperation"): (15, 15),
        (get_password, "GetPasswordData", "Client.UnauthorizedOperation"): (29, 29),
    }
    assert {k: (rows_by_key[k], calls_by_key[k]) for k in rows_by_key} == expected


def test_exact_rows_with_readable_messages(invictus):
    _, _, rows = invictus
    denied = rows["common_only_denied"]
    leave = [r for r in denied if r["eventname"] == "LeaveOrganization"]
    assert leave == [
        {
            "p_date": "2023/07/10",
            "p_account": ACCOUNT,
            "principal_arn": f"arn:aws:iam::{ACCOUNT}:role/stratus-red-team-leave-org-role",
            "principal_type": "AssumedRole",
            "principal_accountid": ACCOUNT,
            "principalid": LEAVE_ORG_SESSION,
            "eventsource": "organizations.amazonaws.com",
            "eventname": "LeaveOrganization",
            "errorcode": "AccessDenied",
            "errormessage": (
                f"User: arn:aws:sts::{ACCOUNT}:assumed-role/stratus-red-team-leave-org-role/"
                "aws-go-sdk-1688990515440126480 is not authorized to perform: "
                "organizations:LeaveOrganization on resource: * because no identity-based "
                "policy allows the organizations:LeaveOrganization action"
            ),
            "sourceipaddress": "192.168.10.20",
            "vpcendpointid": None,
            "nb_reqs": 1,
            "isAssumableBy": "IAM_ROLE_NOT_IN_INVENTORY",
            "isServiceRole": "IAM_ROLE_NOT_IN_INVENTORY",
            "isServiceLinkedRole": "IAM_ROLE_NOT_IN_INVENTORY",
            "controlType": "All",
            "findings": "Principal performed API calls with an access denied error message",
        }
    ]
    assume = sorted(
        (r["errormessage"].rsplit("/", 1)[-1], r["nb_reqs"])
        for r in denied
        if r["eventname"] == "AssumeRole"
    )
    assert assume == [
        ("stratus-red-team-ec2-get-password-data-role", 3),
        ("stratus-red-team-ec2lui-role-pcccexdthk", 2),
        ("stratus-red-team-ec2lui-role-wuzemnoeqa", 2),
        ("stratus-red-team-get-usr-data-role", 3),
        ("stratus-red-team-leave-org-role", 3),
    ]


def test_role_columns_come_from_the_inventory(invictus):
    _, _, rows = invictus
    usr_data = [
        r for r in rows["common_only_denied"] if r["eventname"] == "DescribeInstanceAttribute"
    ]
    assert {json.dumps(r["isAssumableBy"]) for r in usr_data} == {
        json.dumps([{"type": "Service", "principal": "ec2.amazonaws.com"}])
    }
    assert {(r["isServiceRole"], r["isServiceLinkedRole"]) for r in usr_data} == {(True, False)}


def test_reports_are_written(invictus):
    folder, outcome, _ = invictus
    assert set(outcome.reports) == {"html", "excel", "json"}
    html = (folder / "outputs" / "data_perimeter.html").read_text()
    assert "LeaveOrganization" in html
    assert (folder / "outputs" / "data_perimeter.xlsx").stat().st_size > 0
