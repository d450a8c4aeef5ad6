"""The synthetic organisation: accounts, OUs, roles, buckets and VPC endpoints, as data.

Identifiers are fixed literals so that tests and the planted events can name them. Extra
workload accounts (for larger samples) get identifiers derived from their index.
"""

from dataclasses import dataclass, field

ORG_ID = "o-sample1234"
ROOT_ID = "r-smp1"
REGIONS = ("us-east-1", "eu-west-1")

MANAGEMENT = "111122223333"
SECURITY = "222233334444"
PROD = "333344445555"
DEV = "444455556666"
PARTNER = "888877776666"  # outside the organisation, declared trusted in data_perimeter.yaml
VENDOR = "999988887777"  # outside the organisation, not trusted

OU_SECURITY = "ou-smp1-11111111"
OU_WORKLOADS = "ou-smp1-22222222"
OU_PROD = "ou-smp1-33333333"
OU_DEV = "ou-smp1-44444444"

CORPORATE_CIDR = "198.51.100.0/24"  # the expected public egress range
PROD_VPC = "vpc-0a1b2c3d4e5f60001"
PROD_S3_ENDPOINT = "vpce-0a1b2c3d4e5f60001"


@dataclass(frozen=True)
class Role:
    """An IAM role and the principal its trust policy names."""

    account: str
    path: str  # the part after `role/`, e.g. `service-role/lambda-exec` or `app-operator`
    role_id: str
    trusted: dict[str, str]  # e.g. {"Service": "lambda.amazonaws.com"}

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account}:role/{self.path}"


@dataclass(frozen=True)
class Bucket:
    account: str
    name: str
    region: str = "us-east-1"


@dataclass(frozen=True)
class Endpoint:
    endpoint_id: str
    vpc_id: str
    owner: str
    service: str
    region: str = "us-east-1"


@dataclass
class SampleOrg:
    """Everything the inventory files describe."""

    accounts: dict[str, tuple[str, str]]  # id -> (name, parent OU or root)
    ous: list[tuple[str, str, str]]  # (id, name, parent)
    roles: list[Role]
    buckets: list[Bucket]
    endpoints: list[Endpoint]
    workload_accounts: list[str] = field(default_factory=list)

    def people_roles(self, account: str) -> list[Role]:
        """The account's roles that are not service-linked (cached)."""
        cache = self.__dict__.setdefault("_people_roles", {})
        if account not in cache:
            cache[account] = [
                r for r in self.roles if r.account == account and "aws-service-role" not in r.path
            ]
        return cache[account]

    def role(self, account: str, name: str) -> Role:
        """The role `name` of `account`."""
        for role in self.roles:
            if role.account == account and role.name == name:
                return role
        raise KeyError(f"no role {name} in {account}")


def _standard_roles(account: str, tag: str) -> list[Role]:
    """Roles every account has; `tag` (5 characters) makes their ids unique."""
    return [
        Role(
            account,
            "app-operator",
            f"AROA{tag}APPOPERATOR1",
            {"AWS": f"arn:aws:iam::{account}:root"},
        ),
        Role(
            account,
            "ci-deployer",
            f"AROA{tag}CIDEPLOYER01",
            {"AWS": f"arn:aws:iam::{MANAGEMENT}:root"},
        ),
        Role(
            account,
            "service-role/lambda-exec",
            f"AROA{tag}LAMBDAEXEC01",
            {"Service": "lambda.amazonaws.com"},
        ),
        Role(
            account,
            "aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
            f"AROA{tag}AUTOSCALING1",
            {"Service": "autoscaling.amazonaws.com"},
        ),
    ]


def build_org(extra_accounts: int = 0) -> SampleOrg:
    """The base organisation of four accounts, plus `extra_accounts` workload accounts."""
    accounts = {
        MANAGEMENT: ("management", ROOT_ID),
        SECURITY: ("security-tooling", OU_SECURITY),
        PROD: ("prod-app", OU_PROD),
        DEV: ("dev-app", OU_DEV),
    }
    roles = [
        *_standard_roles(MANAGEMENT, "MGMTA"),
        *_standard_roles(SECURITY, "SECUR"),
        *_standard_roles(PROD, "PRODA"),
        *_standard_roles(DEV, "DEVAP"),
    ]
    workload = []
    for index in range(1, extra_accounts + 1):
        account = f"{500000000000 + index:012d}"
        accounts[account] = (f"workload-{index:03d}", OU_DEV)
        roles += _standard_roles(account, f"W{index:04d}")
        workload.append(account)
    return SampleOrg(
        accounts=accounts,
        ous=[
            (OU_SECURITY, "Security", ROOT_ID),
            (OU_WORKLOADS, "Workloads", ROOT_ID),
            (OU_PROD, "Prod", OU_WORKLOADS),
            (OU_DEV, "Dev", OU_WORKLOADS),
        ],
        roles=roles,
        buckets=[
            Bucket(PROD, "sample-prod-app-data"),
            Bucket(PROD, "sample-prod-public-assets"),
            Bucket(PROD, "sample-prod-shared-exports"),
            Bucket(DEV, "sample-dev-scratch", "eu-west-1"),
            Bucket(SECURITY, "sample-security-logs"),
        ],
        endpoints=[
            Endpoint(PROD_S3_ENDPOINT, PROD_VPC, PROD, "com.amazonaws.us-east-1.s3"),
            Endpoint("vpce-0a1b2c3d4e5f60002", PROD_VPC, PROD, "com.amazonaws.us-east-1.ec2"),
            Endpoint(
                "vpce-0d0e0f0a0b0c00003",
                "vpc-0d0e0f0a0b0c00001",
                DEV,
                "com.amazonaws.eu-west-1.s3",
                "eu-west-1",
            ),
        ],
        workload_accounts=workload,
    )
