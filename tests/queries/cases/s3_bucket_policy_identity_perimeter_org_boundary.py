"""Cases of s3_bucket_policy_identity_perimeter_org_boundary (spec 1.3).

Successful S3 calls on a bucket of the account holding the logs, by a principal outside the
organization or by an anonymous caller: what a bucket policy with aws:PrincipalOrgID denies.
"""

from tests.queries.cases._org import (
    ANONYMOUS,
    AUDITOR,
    AWS_SERVICE,
    BASE_EVENT,
    BUCKET_READER,
    BUILD,
    CONTRACTOR,
    DEPLOY,
    PARTNER,
    READER,
    SYNC,
)

COLUMNS = [
    "p_date",
    "p_account",
    "principal_arn",
    "principal_type",
    "principal_accountid",
    "principalid",
    "bucketname",
    "sourceipaddress",
    "vpcendpointid",
    "nb_reqs",
    "controlType",
    "findings",
]


def _on(bucket: str) -> dict:
    return {
        "bucketName": bucket,
        "Host": f"{bucket}.s3.us-east-1.amazonaws.com",
        "key": "reports/2024-03.csv",
    }


GET = {
    **BASE_EVENT,
    "eventSource": "s3.amazonaws.com",
    "eventName": "GetObject",
    "eventCategory": "Data",
    "managementEvent": False,
    "readOnly": True,
    "sourceIPAddress": "192.0.2.10",
    "requestParameters": _on("example-data-bucket"),
}

IN_LOGGING = {"p_date": "2024/03/01", "p_account": "111122223333"}
NOT_IN_ORG = {
    "controlType": "identity_perimeter",
    "findings": "Principal is not part of the current organization",
}
BY_READER = {
    "principal_arn": "arn:aws:iam::444455556666:role/reader",
    "principal_type": "AssumedRole",
    "principal_accountid": "444455556666",
    "principalid": "AROAEXAMPLEREADER:etl",
}

CASES = [
    {
        "name": "principal outside the organization is reported, all its calls counted",
        "events": [
            {**GET, "userIdentity": READER},
            {**GET, "userIdentity": READER, "eventName": "PutObject", "readOnly": False},
        ],
        "must_report": [
            {
                **IN_LOGGING,
                **BY_READER,
                "bucketname": "example-data-bucket",
                "sourceipaddress": "192.0.2.10",
                "vpcendpointid": None,
                "nb_reqs": 2,
                **NOT_IN_ORG,
            }
        ],
    },
    {
        "name": "anonymous caller is reported as unauthenticated",
        "events": [{**GET, "userIdentity": ANONYMOUS, "sourceIPAddress": "192.0.2.77"}],
        "must_report": [
            {
                **IN_LOGGING,
                "principal_arn": None,
                "principal_type": "AWSAccount",
                "principal_accountid": "anonymous",
                "principalid": "",
                "bucketname": "example-data-bucket",
                "sourceipaddress": "192.0.2.77",
                "vpcendpointid": None,
                "nb_reqs": 1,
                "controlType": "identity_perimeter",
                "findings": "Unauthenticated API call",
            }
        ],
    },
    {
        "name": "principal trusted by the network perimeter only is reported",
        "events": [
            {
                **GET,
                "userIdentity": CONTRACTOR,
                "sourceIPAddress": "10.0.1.25",
                "vpcEndpointId": "vpce-0a1b2c3d4e5f67890",
            }
        ],
        "must_report": [
            {
                **IN_LOGGING,
                "principal_arn": None,
                "principal_type": "IAMUser",
                "principal_accountid": "444455556666",
                "principalid": "AIDAEXAMPLECONTRACTOR",
                "bucketname": "example-data-bucket",
                "sourceipaddress": "10.0.1.25",
                "vpcendpointid": "vpce-0a1b2c3d4e5f67890",
                "nb_reqs": 1,
                **NOT_IN_ORG,
            }
        ],
    },
    {
        "name": "bucket exception does not cover the account's other buckets",
        "events": [{**GET, "userIdentity": BUCKET_READER}],
        "must_report": [
            {
                **IN_LOGGING,
                "principal_arn": "arn:aws:iam::444455556666:role/bucket-reader",
                "principal_type": "AssumedRole",
                "principal_accountid": "444455556666",
                "principalid": "AROAEXAMPLEBUCKETREADER:reports",
                "bucketname": "example-data-bucket",
                "sourceipaddress": "192.0.2.10",
                "vpcendpointid": None,
                "nb_reqs": 1,
                **NOT_IN_ORG,
            }
        ],
    },
    {
        "name": "principal trusted by the bucket's exception block is removed",
        "events": [
            {**GET, "userIdentity": BUCKET_READER, "requestParameters": _on("shared-bucket")}
        ],
        "must_not_report": True,
    },
    {
        "name": "principals of the organization are removed",
        "events": [{**GET, "userIdentity": DEPLOY}, {**GET, "userIdentity": BUILD}],
        "must_not_report": True,
    },
    {
        "name": "AWS service principal is removed",
        "events": [{**GET, "userIdentity": AWS_SERVICE, "sourceIPAddress": "s3.amazonaws.com"}],
        "must_not_report": True,
    },
    {
        "name": "CORS preflight request is removed",
        "events": [{**GET, "userIdentity": ANONYMOUS, "eventName": "PreflightRequest"}],
        "must_not_report": True,
    },
    {
        "name": "bucket owned by another account is removed",
        "events": [{**GET, "userIdentity": READER, "requestParameters": _on("other-org-bucket")}],
        "must_not_report": True,
    },
    {
        # Upstream matched bucket names as an unanchored regex (spec 1.3); ownership is exact.
        "name": "bucket whose name only contains an owned bucket's name is removed",
        "events": [
            {**GET, "userIdentity": READER, "requestParameters": _on("example-data-bucket-copy")}
        ],
        "must_not_report": True,
    },
    {
        "name": "trusted account is removed",
        "events": [{**GET, "userIdentity": PARTNER}],
        "must_not_report": True,
    },
    {
        "name": "trusted principal is removed by its role ARN",
        "events": [{**GET, "userIdentity": AUDITOR}],
        "must_not_report": True,
    },
    {
        "name": "trusted principal is removed by its principal id",
        "events": [{**GET, "userIdentity": SYNC}],
        "must_not_report": True,
    },
    {
        "name": "failed call is removed",
        "events": [
            {
                **GET,
                "userIdentity": READER,
                "errorCode": "AccessDenied",
                "errorMessage": "Access Denied",
            }
        ],
        "must_not_report": True,
    },
    {
        # Same bucket and caller as a reported call; only the event source differs.
        "name": "call to another service is removed",
        "events": [{**GET, "userIdentity": READER, "eventSource": "s3express.amazonaws.com"}],
        "must_not_report": True,
    },
]
