"""Cases of common_from_public_cidr_ipv4 (spec 1.1): successful calls from an IPv4 address.

"Public" means not through a VPC endpoint, not IPv6 and not an AWS service network: the query
never tests that the address is public (spec 1.1).
"""

from tests.queries.cases._org import (
    AUDITOR,
    BASE_EVENT,
    BUILD,
    CI_RUNNER,
    CONTRACTOR,
    DEPLOY,
    LOCAL_SLR,
    ORG_ACCOUNT,
    ORG_SLR,
    OUTSIDER,
    PARTNER,
)

COLUMNS = [
    "p_date",
    "p_account",
    "principal_arn",
    "principal_type",
    "principal_accountid",
    "principalid",
    "eventsource",
    "eventname",
    "sourceipaddress",
    "nb_reqs",
    "isAssumableBy",
    "isServiceRole",
    "isServiceLinkedRole",
    "controlType",
    "findings",
]

CALL = {**BASE_EVENT, "eventSource": "ec2.amazonaws.com", "eventName": "DescribeInstances"}

IN_LOGGING = {"p_date": "2024/03/01", "p_account": "111122223333"}
DESCRIBE = {"eventsource": "ec2.amazonaws.com", "eventname": "DescribeInstances"}
LABELS = {
    "controlType": "network_perimeter",
    "findings": "Principal is performing AWS API calls from an unexpected public CIDR",
}
BY_DEPLOY = {
    "principal_arn": "arn:aws:iam::111122223333:role/deploy",
    "principal_type": "AssumedRole",
    "principal_accountid": "111122223333",
    "principalid": "AROAEXAMPLEDEPLOY:alice",
    "isAssumableBy": [{"type": "AWS", "principal": "arn:aws:iam::111122223333:root"}],
    "isServiceRole": False,
    "isServiceLinkedRole": False,
}
OUTSIDE_ORG = {
    "isAssumableBy": "PRINCIPAL_NOT_IN_ORGANIZATION",
    "isServiceRole": "PRINCIPAL_NOT_IN_ORGANIZATION",
    "isServiceLinkedRole": "PRINCIPAL_NOT_IN_ORGANIZATION",
}


def _deploy_row(ip: str, nb_reqs: int = 1) -> dict:
    return {
        **IN_LOGGING,
        **BY_DEPLOY,
        **DESCRIBE,
        "sourceipaddress": ip,
        "nb_reqs": nb_reqs,
        **LABELS,
    }


CASES = [
    {
        "name": "public IPv4 is reported, calls counted",
        "events": [{**CALL, "userIdentity": DEPLOY, "sourceIPAddress": "192.0.2.10"}] * 2,
        "must_report": [_deploy_row("192.0.2.10", nb_reqs=2)],
    },
    {
        "name": "caller outside the organization is reported once per address",
        "events": [
            {**CALL, "userIdentity": OUTSIDER, "sourceIPAddress": "192.0.2.44"},
            {**CALL, "userIdentity": OUTSIDER, "sourceIPAddress": "192.0.2.45"},
        ],
        "must_report": [
            {
                **IN_LOGGING,
                "principal_arn": None,
                "principal_type": "IAMUser",
                "principal_accountid": "444455556666",
                "principalid": "AIDAEXAMPLEOUTSIDER",
                **DESCRIBE,
                "sourceipaddress": ip,
                "nb_reqs": 1,
                **OUTSIDE_ORG,
                **LABELS,
            }
            for ip in ("192.0.2.44", "192.0.2.45")
        ],
    },
    {
        "name": "private IPv4 without a VPC endpoint is reported",
        "events": [{**CALL, "userIdentity": DEPLOY, "sourceIPAddress": "10.0.1.25"}],
        "must_report": [_deploy_row("10.0.1.25")],
    },
    {
        # 35.249.253.0/24 is expected, but a dotted quad with leading zeros is no IP address.
        "name": "IPv4 with leading zeros is in no CIDR and stays reported",
        "events": [{**CALL, "userIdentity": DEPLOY, "sourceIPAddress": "035.249.253.232"}],
        "must_report": [_deploy_row("035.249.253.232")],
    },
    {
        "name": "expected CIDR of the baseline is removed",
        "events": [{**CALL, "userIdentity": DEPLOY, "sourceIPAddress": "35.249.253.232"}],
        "must_not_report": True,
    },
    {
        "name": "expected CIDR of the account section is removed",
        "events": [{**CALL, "userIdentity": DEPLOY, "sourceIPAddress": "203.0.113.25"}],
        "must_not_report": True,
    },
    {
        "name": "expected CIDR of an account section does not apply to another account's logs",
        "events": [
            {
                **CALL,
                "recipientAccountId": ORG_ACCOUNT,
                "userIdentity": BUILD,
                "sourceIPAddress": "203.0.113.25",
            }
        ],
        "must_report": [
            {
                "p_date": "2024/03/01",
                "p_account": "777788889999",
                "principal_arn": "arn:aws:iam::777788889999:role/build",
                "principal_type": "AssumedRole",
                "principal_accountid": "777788889999",
                "principalid": "AROAEXAMPLEBUILD:nightly",
                **DESCRIBE,
                "sourceipaddress": "203.0.113.25",
                "nb_reqs": 1,
                "isAssumableBy": [
                    {"type": "AWS", "principal": "arn:aws:iam::111122223333:role/deploy"}
                ],
                "isServiceRole": False,
                "isServiceLinkedRole": False,
                **LABELS,
            }
        ],
    },
    {
        "name": "IPv6 address is removed",
        "events": [{**CALL, "userIdentity": DEPLOY, "sourceIPAddress": "2001:db8::8a2e:370:7334"}],
        "must_not_report": True,
    },
    {
        "name": "AWS service DNS name is removed",
        "events": [{**CALL, "userIdentity": DEPLOY, "sourceIPAddress": "athena.amazonaws.com"}],
        "must_not_report": True,
    },
    {
        "name": "AWS Internal is removed",
        "events": [{**CALL, "userIdentity": DEPLOY, "sourceIPAddress": "AWS Internal"}],
        "must_not_report": True,
    },
    {
        "name": "call through a VPC endpoint is removed",
        "events": [
            {
                **CALL,
                "userIdentity": DEPLOY,
                "sourceIPAddress": "10.0.1.25",
                "vpcEndpointId": "vpce-0a1b2c3d4e5f67890",
            }
        ],
        "must_not_report": True,
    },
    {
        "name": "failed call is removed",
        "events": [
            {
                **CALL,
                "userIdentity": DEPLOY,
                "sourceIPAddress": "192.0.2.10",
                "errorCode": "Client.UnauthorizedOperation",
                "errorMessage": "You are not authorized to perform this operation.",
            }
        ],
        "must_not_report": True,
    },
    {
        # The role is not in the inventory, so only the SQL filter on the issuer removes it.
        "name": "service-linked role of the logging account is removed by the SQL",
        "events": [{**CALL, "userIdentity": LOCAL_SLR, "sourceIPAddress": "192.0.2.10"}],
        "must_not_report": True,
    },
    {
        # No session issuer in a cross-account call: the inventory knows the role is an SLR.
        "name": "service-linked role of another organization account is removed by the rules",
        "events": [{**CALL, "userIdentity": ORG_SLR, "sourceIPAddress": "192.0.2.10"}],
        "must_not_report": True,
    },
    {
        "name": "trusted account is removed",
        "events": [{**CALL, "userIdentity": PARTNER, "sourceIPAddress": "192.0.2.10"}],
        "must_not_report": True,
    },
    {
        "name": "trusted principal is removed by its role ARN",
        "events": [{**CALL, "userIdentity": CI_RUNNER, "sourceIPAddress": "192.0.2.10"}],
        "must_not_report": True,
    },
    {
        "name": "trusted principal is removed by its principal id",
        "events": [{**CALL, "userIdentity": CONTRACTOR, "sourceIPAddress": "192.0.2.10"}],
        "must_not_report": True,
    },
    {
        "name": "principal trusted by the identity perimeter only is reported",
        "events": [{**CALL, "userIdentity": AUDITOR, "sourceIPAddress": "192.0.2.10"}],
        "must_report": [
            {
                **IN_LOGGING,
                "principal_arn": "arn:aws:iam::444455556666:role/auditor",
                "principal_type": "AssumedRole",
                "principal_accountid": "444455556666",
                "principalid": "AROAEXAMPLEAUDITOR:audit",
                **DESCRIBE,
                "sourceipaddress": "192.0.2.10",
                "nb_reqs": 1,
                **OUTSIDE_ORG,
                **LABELS,
            }
        ],
    },
]
