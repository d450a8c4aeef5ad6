"""Planted calls: what each catalogue query must report on the sample, and what it must not.

Every planted call says which query it targets, whether that query must list it, and why. The
background traffic (`noise.py`) never produces a result row, so a report on the sample lists
exactly the calls planted here with `report=True`.
"""

from dataclasses import dataclass

from dph_pipeline.sample import identities as who
from dph_pipeline.sample.events import USER_AGENTS, Call
from dph_pipeline.sample.org import DEV, PARTNER, PROD, PROD_S3_ENDPOINT, VENDOR

PUBLIC_CIDR = "common_from_public_cidr_ipv4"
DENIED = "common_only_denied"
S3_ORG = "s3_bucket_policy_identity_perimeter_org_boundary"


@dataclass(frozen=True)
class Planted:
    """A call made `count` times on day `day` (0 = first sample day) at `hour`:00 UTC."""

    query: str
    report: bool
    why: str
    call: Call
    count: int = 1
    day: int = 0
    hour: int = 10
    also: tuple[str, ...] = ()  # other queries that must list it too


_OPERATOR = who.assumed_role(PROD, "app-operator", "AROAPRODAAPPOPERATOR1", "alice")
_CI = who.assumed_role(PROD, "ci-deployer", "AROAPRODACIDEPLOYER01", "pipeline")
_SLR = who.assumed_role(
    PROD,
    "aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
    "AROAPRODAAUTOSCALING1",
    "AutoScaling",
)
_DEV_OPERATOR = who.assumed_role(DEV, "app-operator", "AROADEVAPAPPOPERATOR1", "bob")
_LEGACY = who.iam_user(DEV, "legacy-script", "AIDADEVLEGACYSCRIPT01")
_PARTNER = who.foreign_role(PARTNER, "partner-sync", "AROAPARTNERSYNCROLE01", "sync")
_VENDOR = who.foreign_role(VENDOR, "vendor-reader", "AROAVENDORREADERROLE1", "nightly")
_AUDITOR = who.foreign_role(VENDOR, "vendor-auditor", "AROAVENDORAUDITOR0001", "audit")


def _get(bucket: str, key: str = "exports/2024/report.csv") -> dict[str, str]:
    return {"bucketName": bucket, "Host": f"{bucket}.s3.amazonaws.com", "key": key}


PLANTED: tuple[Planted, ...] = (
    # common_from_public_cidr_ipv4
    Planted(
        PUBLIC_CIDR,
        True,
        "role session from a public address outside the corporate range",
        Call(PROD, _OPERATOR, "ec2.amazonaws.com", "DescribeInstances", "203.0.113.77"),
        count=3,
    ),
    Planted(
        PUBLIC_CIDR,
        True,
        "the same role again on the second day",
        Call(PROD, _OPERATOR, "ec2.amazonaws.com", "DescribeInstances", "203.0.113.77"),
        day=1,
    ),
    Planted(
        PUBLIC_CIDR,
        True,
        "IAM user key used from a home address",
        Call(
            DEV, _LEGACY, "s3.amazonaws.com", "ListBuckets", "192.0.2.10", user_agent=USER_AGENTS[1]
        ),
    ),
    Planted(
        PUBLIC_CIDR,
        False,
        "source address inside the expected corporate CIDR",
        Call(PROD, _OPERATOR, "ec2.amazonaws.com", "DescribeInstances", "198.51.100.20"),
    ),
    Planted(
        PUBLIC_CIDR,
        False,
        "call through a VPC endpoint",
        Call(PROD, _OPERATOR, "s3.amazonaws.com", "ListBuckets", "10.1.2.3", vpce=PROD_S3_ENDPOINT),
    ),
    Planted(
        PUBLIC_CIDR,
        False,
        "IPv6 source address",
        Call(PROD, _OPERATOR, "ec2.amazonaws.com", "DescribeVpcs", "2001:db8::10"),
    ),
    Planted(
        PUBLIC_CIDR,
        False,
        "call made by an AWS service on the role's behalf",
        Call(
            PROD,
            _OPERATOR,
            "ec2.amazonaws.com",
            "DescribeSubnets",
            "cloudformation.amazonaws.com",
            user_agent="cloudformation.amazonaws.com",
        ),
    ),
    Planted(
        PUBLIC_CIDR,
        False,
        "service-linked role of the account",
        Call(PROD, _SLR, "ec2.amazonaws.com", "DescribeInstanceStatus", "203.0.113.80"),
    ),
    Planted(
        PUBLIC_CIDR,
        False,
        "principal of a trusted partner account",
        Call(PROD, _PARTNER, "ec2.amazonaws.com", "DescribeImages", "203.0.113.90"),
    ),
    Planted(
        PUBLIC_CIDR,
        False,
        "trusted principal (role/ci-deployer)",
        Call(PROD, _CI, "cloudformation.amazonaws.com", "DescribeStacks", "203.0.113.91"),
    ),
    # common_only_denied
    Planted(
        DENIED,
        True,
        "S3 read denied to the operator role",
        Call(
            PROD,
            _OPERATOR,
            "s3.amazonaws.com",
            "GetObject",
            "203.0.113.77",
            error=("AccessDenied", "Access Denied"),
            request=_get("sample-prod-app-data"),
        ),
        count=2,
    ),
    Planted(
        DENIED,
        True,
        "EC2 launch refused to an IAM user",
        Call(
            DEV,
            _LEGACY,
            "ec2.amazonaws.com",
            "RunInstances",
            "192.0.2.10",
            error=(
                "Client.UnauthorizedOperation",
                "You are not authorized to perform this operation.",
            ),
        ),
    ),
    Planted(
        DENIED,
        True,
        "vendor denied on a production bucket",
        Call(
            PROD,
            _VENDOR,
            "s3.amazonaws.com",
            "GetObject",
            "203.0.113.120",
            error=("AccessDenied", "Access Denied"),
            request=_get("sample-prod-app-data"),
        ),
    ),
    Planted(
        DENIED,
        False,
        "AccessDeniedException is not one of the listed error codes",
        Call(
            PROD,
            _OPERATOR,
            "kms.amazonaws.com",
            "Decrypt",
            "198.51.100.20",
            error=("AccessDeniedException", "User is not authorized to perform kms:Decrypt"),
        ),
    ),
    Planted(
        DENIED,
        False,
        "an error that is not an access denial",
        Call(
            PROD,
            _OPERATOR,
            "s3.amazonaws.com",
            "GetObject",
            "198.51.100.20",
            error=("NoSuchKey", "The specified key does not exist."),
            request=_get("sample-prod-app-data", "missing.csv"),
        ),
    ),
    # s3_bucket_policy_identity_perimeter_org_boundary
    Planted(
        S3_ORG,
        True,
        "vendor principal reads a production bucket",
        Call(
            PROD,
            _VENDOR,
            "s3.amazonaws.com",
            "GetObject",
            "203.0.113.120",
            request=_get("sample-prod-app-data"),
        ),
        count=4,
        also=(PUBLIC_CIDR,),
    ),
    Planted(
        S3_ORG,
        True,
        "anonymous read of a public bucket",
        Call(
            PROD,
            who.anonymous(),
            "s3.amazonaws.com",
            "GetObject",
            "192.0.2.200",
            request=_get("sample-prod-public-assets", "logo.png"),
            user_agent="Mozilla/5.0",
        ),
        also=(PUBLIC_CIDR,),
    ),
    Planted(
        S3_ORG,
        False,
        "principal of another account of the organisation",
        Call(
            PROD,
            who.foreign_role(DEV, "app-operator", "AROADEVAPAPPOPERATOR1", "bob"),
            "s3.amazonaws.com",
            "GetObject",
            "198.51.100.30",
            request=_get("sample-prod-app-data"),
        ),
    ),
    Planted(
        S3_ORG,
        False,
        "principal of a trusted partner account",
        Call(
            PROD,
            _PARTNER,
            "s3.amazonaws.com",
            "GetObject",
            "203.0.113.90",
            request=_get("sample-prod-app-data"),
        ),
    ),
    Planted(
        S3_ORG,
        False,
        "AWS service principal",
        Call(
            PROD,
            who.aws_service("cloudtrail.amazonaws.com"),
            "s3.amazonaws.com",
            "PutObject",
            "cloudtrail.amazonaws.com",
            request=_get("sample-prod-app-data", "AWSLogs/x.json.gz"),
        ),
    ),
    Planted(
        S3_ORG,
        False,
        "unauthenticated CORS preflight",
        Call(
            PROD,
            who.anonymous(),
            "s3.amazonaws.com",
            "PreflightRequest",
            "192.0.2.201",
            request=_get("sample-prod-public-assets", "logo.png"),
        ),
        also=(PUBLIC_CIDR,),
    ),
    Planted(
        S3_ORG,
        False,
        "bucket not owned by the account holding the log",
        Call(
            PROD,
            _VENDOR,
            "s3.amazonaws.com",
            "GetObject",
            "203.0.113.120",
            request=_get("vendor-owned-exchange"),
        ),
        also=(PUBLIC_CIDR,),
    ),
    Planted(
        S3_ORG,
        False,
        "principal trusted by the bucket's exception block",
        Call(
            PROD,
            _AUDITOR,
            "s3.amazonaws.com",
            "GetObject",
            "203.0.113.121",
            request=_get("sample-prod-shared-exports"),
        ),
        also=(PUBLIC_CIDR,),
    ),
    Planted(
        S3_ORG,
        False,
        "failed call (the key does not exist)",
        Call(
            PROD,
            _VENDOR,
            "s3.amazonaws.com",
            "GetObject",
            "203.0.113.122",
            error=("NoSuchKey", "The specified key does not exist."),
            request=_get("sample-prod-app-data"),
        ),
    ),
)
