"""Background traffic: ordinary calls inside the perimeter, which no query may report.

Calls come from the corporate range (role sessions, IAM users, roles of other accounts of the
organisation reading this account's buckets), through VPC endpoints, over IPv6, from AWS
services and from service-linked roles; management and S3 data events; some fail with errors
that are not access denials. Each (account,
day) draws from its own seeded generator, so a day's traffic does not depend on the others.
"""

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from dph_pipeline.sample import identities as who
from dph_pipeline.sample.events import USER_AGENTS, Call
from dph_pipeline.sample.org import PROD, PROD_S3_ENDPOINT, REGIONS, SampleOrg

_MANAGEMENT_CALLS = (
    ("ec2.amazonaws.com", "DescribeInstances"),
    ("ec2.amazonaws.com", "DescribeSecurityGroups"),
    ("sts.amazonaws.com", "GetCallerIdentity"),
    ("iam.amazonaws.com", "ListRoles"),
    ("lambda.amazonaws.com", "ListFunctions20150331"),
    ("cloudformation.amazonaws.com", "DescribeStacks"),
    ("kms.amazonaws.com", "Decrypt"),
    ("logs.amazonaws.com", "CreateLogStream"),
)
_HARMLESS_ERRORS = (
    ("ThrottlingException", "Rate exceeded"),
    ("NoSuchKey", "The specified key does not exist."),
    ("ResourceNotFoundException", "Function not found"),
)


def _role_identity(org: SampleOrg, account: str, rng: random.Random) -> dict:
    role = rng.choice(org.people_roles(account))
    return who.assumed_role(account, role.path, role.role_id, f"session-{rng.randrange(100)}")


def _call(org: SampleOrg, account: str, rng: random.Random) -> Call:
    region = rng.choice(REGIONS)
    source, name = rng.choice(_MANAGEMENT_CALLS)
    kind = rng.random()
    if kind < 0.45:  # people and pipelines on the corporate network
        ip = f"198.51.100.{rng.randrange(1, 255)}"
        error = rng.choice(_HARMLESS_ERRORS) if rng.random() < 0.05 else None
        return Call(
            account,
            _role_identity(org, account, rng),
            source,
            name,
            ip,
            region,
            error=error,
            user_agent=rng.choice(USER_AGENTS),
        )
    if kind < 0.6:  # over IPv6
        ip = f"2001:db8:{rng.randrange(1, 0xFFFF):x}::{rng.randrange(1, 0xFFFF):x}"
        return Call(account, _role_identity(org, account, rng), source, name, ip, region)
    if kind < 0.75:  # AWS services acting for the account's roles
        return Call(
            account,
            _role_identity(org, account, rng),
            source,
            name,
            "cloudformation.amazonaws.com",
            region,
            user_agent="cloudformation.amazonaws.com",
        )
    if kind < 0.8:  # IAM users and roles of other accounts of the organisation, from the office
        ip = f"198.51.100.{rng.randrange(1, 255)}"
        if rng.random() < 0.5:
            user = f"ci-bot-{rng.randrange(3)}"
            identity = who.iam_user(account, user, f"AIDA{account}{user[-1]}USER")
            return Call(account, identity, source, name, ip, region, user_agent=USER_AGENTS[1])
        other = rng.choice([a for a in org.accounts if a != account])
        role = rng.choice(org.people_roles(other))
        identity = who.foreign_role(other, role.name, role.role_id, f"x-{rng.randrange(100)}")
        buckets = [b for b in org.buckets if b.account == account]
        if buckets:  # reading this account's data from another account of the organisation
            bucket = rng.choice(buckets)
            request = {"bucketName": bucket.name, "key": f"shared/{rng.randrange(1000)}.csv"}
            return Call(
                account,
                identity,
                "s3.amazonaws.com",
                "GetObject",
                ip,
                bucket.region,
                request=request,
            )
        return Call(account, identity, source, name, ip, region)
    if kind < 0.85:  # service principals
        service = rng.choice(("config.amazonaws.com", "cloudtrail.amazonaws.com"))
        return Call(
            account,
            who.aws_service(service),
            "sts.amazonaws.com",
            "AssumeRole",
            service,
            region,
            user_agent=service,
        )
    if kind < 0.9:  # the account's service-linked role
        slr = next(r for r in org.roles if r.account == account and "aws-service-role" in r.path)
        identity = who.assumed_role(account, slr.path, slr.role_id, "AutoScaling")
        return Call(
            account,
            identity,
            "ec2.amazonaws.com",
            "DescribeInstanceStatus",
            f"203.0.113.{rng.randrange(1, 255)}",
            region,
            user_agent="autoscaling.amazonaws.com",
        )
    buckets = [b for b in org.buckets if b.account == account] or [None]
    bucket = rng.choice(buckets)
    if bucket is None:
        return Call(
            account,
            _role_identity(org, account, rng),
            "s3.amazonaws.com",
            "ListBuckets",
            f"198.51.100.{rng.randrange(1, 255)}",
            region,
        )
    vpce = PROD_S3_ENDPOINT if account == PROD else None
    ip = "10.1.2.3" if vpce else f"198.51.100.{rng.randrange(1, 255)}"
    request = {"bucketName": bucket.name, "key": f"data/part-{rng.randrange(10_000):05d}.parquet"}
    return Call(
        account,
        _role_identity(org, account, rng),
        "s3.amazonaws.com",
        rng.choice(("GetObject", "PutObject")),
        ip,
        bucket.region,
        vpce=vpce,
        request=request,
    )


def background_calls(
    org: SampleOrg, account: str, day: datetime, count: int, seed: int
) -> Iterator[tuple[datetime, Call]]:
    """`count` calls logged by `account` during `day` (a UTC midnight), in no order."""
    rng = random.Random(f"{seed}:{account}:{day:%Y%m%d}")
    for _ in range(count):
        yield day + timedelta(seconds=rng.randrange(86_400)), _call(org, account, rng)
