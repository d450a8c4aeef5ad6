"""Cases of common_only_denied (spec 1.1): calls failed with one of four access-denied codes.

No network, service-linked role or trust filter applies; the role columns come from the
inventory, or are a sentinel for principals outside the organization or roles it lacks.
"""

from tests.queries.cases._org import BASE_EVENT, DEPLOY, EC2_APP, ORG_SLR, ORG_USER, OUTSIDER

COLUMNS = [
    "p_date",
    "p_account",
    "principal_arn",
    "principal_type",
    "principal_accountid",
    "principalid",
    "eventsource",
    "eventname",
    "errorcode",
    "errormessage",
    "sourceipaddress",
    "vpcendpointid",
    "nb_reqs",
    "isAssumableBy",
    "isServiceRole",
    "isServiceLinkedRole",
    "controlType",
    "findings",
]

S3_CALL = {**BASE_EVENT, "eventSource": "s3.amazonaws.com", "eventName": "ListBuckets"}
EC2_CALL = {**BASE_EVENT, "eventSource": "ec2.amazonaws.com", "eventName": "RunInstances"}
S3_DENIED = {"errorCode": "AccessDenied", "errorMessage": "Access Denied"}
EC2_DENIED = {
    "errorCode": "Client.UnauthorizedOperation",
    "errorMessage": "You are not authorized to perform this operation.",
}

IN_LOGGING = {"p_date": "2024/03/01", "p_account": "111122223333"}
LABELS = {
    "controlType": "All",
    "findings": "Principal performed API calls with an access denied error message",
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
S3_DENIED_ROW = {
    "eventsource": "s3.amazonaws.com",
    "eventname": "ListBuckets",
    "errorcode": "AccessDenied",
    "errormessage": "Access Denied",
}

CASES = [
    {
        "name": "AccessDenied is reported, calls counted",
        "events": [
            {**S3_CALL, **S3_DENIED, "userIdentity": DEPLOY, "sourceIPAddress": "192.0.2.10"}
        ]
        * 3,
        "must_report": [
            {
                **IN_LOGGING,
                **BY_DEPLOY,
                **S3_DENIED_ROW,
                "sourceipaddress": "192.0.2.10",
                "vpcendpointid": None,
                "nb_reqs": 3,
                **LABELS,
            }
        ],
    },
    {
        "name": "Client.UnauthorizedOperation through a VPC endpoint is reported",
        "events": [
            {
                **EC2_CALL,
                **EC2_DENIED,
                "userIdentity": EC2_APP,
                "sourceIPAddress": "10.0.1.25",
                "vpcEndpointId": "vpce-0a1b2c3d4e5f67890",
            }
        ],
        "must_report": [
            {
                **IN_LOGGING,
                "principal_arn": "arn:aws:iam::111122223333:role/ec2-app",
                "principal_type": "AssumedRole",
                "principal_accountid": "111122223333",
                "principalid": "AROAEXAMPLEEC2APP:i-0123456789abcdef0",
                "eventsource": "ec2.amazonaws.com",
                "eventname": "RunInstances",
                "errorcode": "Client.UnauthorizedOperation",
                "errormessage": "You are not authorized to perform this operation.",
                "sourceipaddress": "10.0.1.25",
                "vpcendpointid": "vpce-0a1b2c3d4e5f67890",
                "nb_reqs": 1,
                "isAssumableBy": [{"type": "Service", "principal": "ec2.amazonaws.com"}],
                "isServiceRole": True,
                "isServiceLinkedRole": False,
                **LABELS,
            }
        ],
    },
    {
        "name": "Client.InvalidPermission.NotFound by an IAM user is reported",
        "events": [
            {
                **BASE_EVENT,
                "eventSource": "ec2.amazonaws.com",
                "eventName": "RevokeSecurityGroupIngress",
                "errorCode": "Client.InvalidPermission.NotFound",
                "errorMessage": "The specified rule does not exist in this security group.",
                "userIdentity": ORG_USER,
                "sourceIPAddress": "192.0.2.10",
            }
        ],
        "must_report": [
            {
                **IN_LOGGING,
                "principal_arn": None,
                "principal_type": "IAMUser",
                "principal_accountid": "111122223333",
                "principalid": "AIDAEXAMPLEORGUSER",
                "eventsource": "ec2.amazonaws.com",
                "eventname": "RevokeSecurityGroupIngress",
                "errorcode": "Client.InvalidPermission.NotFound",
                "errormessage": "The specified rule does not exist in this security group.",
                "sourceipaddress": "192.0.2.10",
                "vpcendpointid": None,
                "nb_reqs": 1,
                "isAssumableBy": "IAM_ROLE_NOT_IN_INVENTORY",
                "isServiceRole": "IAM_ROLE_NOT_IN_INVENTORY",
                "isServiceLinkedRole": "IAM_ROLE_NOT_IN_INVENTORY",
                **LABELS,
            }
        ],
    },
    {
        "name": "Client.OperationNotPermitted by a principal outside the organization is reported",
        "events": [
            {
                **BASE_EVENT,
                "eventSource": "ec2.amazonaws.com",
                "eventName": "ModifyInstanceAttribute",
                "errorCode": "Client.OperationNotPermitted",
                "errorMessage": "The instance has API termination protection enabled.",
                "userIdentity": OUTSIDER,
                "sourceIPAddress": "192.0.2.44",
            }
        ],
        "must_report": [
            {
                **IN_LOGGING,
                "principal_arn": None,
                "principal_type": "IAMUser",
                "principal_accountid": "444455556666",
                "principalid": "AIDAEXAMPLEOUTSIDER",
                "eventsource": "ec2.amazonaws.com",
                "eventname": "ModifyInstanceAttribute",
                "errorcode": "Client.OperationNotPermitted",
                "errormessage": "The instance has API termination protection enabled.",
                "sourceipaddress": "192.0.2.44",
                "vpcendpointid": None,
                "nb_reqs": 1,
                "isAssumableBy": "PRINCIPAL_NOT_IN_ORGANIZATION",
                "isServiceRole": "PRINCIPAL_NOT_IN_ORGANIZATION",
                "isServiceLinkedRole": "PRINCIPAL_NOT_IN_ORGANIZATION",
                **LABELS,
            }
        ],
    },
    {
        "name": "service-linked role of another organization account is reported and flagged",
        "events": [
            {
                **S3_CALL,
                **S3_DENIED,
                "userIdentity": ORG_SLR,
                "sourceIPAddress": "ecs.amazonaws.com",
            }
        ],
        "must_report": [
            {
                **IN_LOGGING,
                "principal_arn": None,
                "principal_type": "AssumedRole",
                "principal_accountid": "777788889999",
                "principalid": "AROAEXAMPLEORGSLR:ecs-service",
                **S3_DENIED_ROW,
                "sourceipaddress": "ecs.amazonaws.com",
                "vpcendpointid": None,
                "nb_reqs": 1,
                "isAssumableBy": [{"type": "Service", "principal": "ecs.amazonaws.com"}],
                "isServiceRole": False,
                "isServiceLinkedRole": True,
                **LABELS,
            }
        ],
    },
    {
        "name": "AccessDeniedException is not reported",
        "events": [
            {
                **BASE_EVENT,
                "eventSource": "kms.amazonaws.com",
                "eventName": "Decrypt",
                "errorCode": "AccessDeniedException",
                "errorMessage": "User is not authorized to perform: kms:Decrypt",
                "userIdentity": DEPLOY,
                "sourceIPAddress": "192.0.2.10",
            }
        ],
        "must_not_report": True,
    },
    {
        "name": "successful call is not reported",
        "events": [{**S3_CALL, "userIdentity": DEPLOY, "sourceIPAddress": "192.0.2.10"}],
        "must_not_report": True,
    },
]
