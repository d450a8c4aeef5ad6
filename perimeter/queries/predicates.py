"""Shared WHERE predicates: a static SQL fragment and the sentence that explains it.

The sentence is written above its clause as a `--` comment in the rendered SQL and is used in
the generated documentation. Fragments never contain configuration values: whatever depends on
`data_perimeter.yaml` or on the inventory is applied in post-processing (`perimeter/rules/`).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Predicate:
    """One WHERE clause of a catalogue query."""

    name: str
    sql: str
    sentence: str


SUCCEEDED = Predicate(
    "succeeded",
    "errorcode IS NULL",
    "Keeps successful calls only (no error code).",
)
ACCESS_DENIED = Predicate(
    "access_denied",
    "errorcode IN ('Client.UnauthorizedOperation', 'Client.InvalidPermission.NotFound', "
    "'Client.OperationNotPermitted', 'AccessDenied')",
    "Keeps calls that failed with an access-denied error code.",
)
NOT_SERVICE_LINKED_ROLE = Predicate(
    "not_service_linked_role",
    "COALESCE(NOT regexp_like(useridentity.sessioncontext.sessionissuer.arn, "
    "':role/aws-service-role/'), TRUE)",
    "Removes calls made by service-linked roles of the account that logged the call.",
)
NOT_AWS_NETWORK_OR_IPV6 = Predicate(
    "not_aws_network_or_ipv6",
    "COALESCE(NOT regexp_like(sourceipaddress, '(?i)(:|amazonaws|Internal)'), TRUE)",
    "Removes calls from IPv6 addresses and from AWS service networks "
    "(service names such as athena.amazonaws.com, and AWS Internal).",
)
NOT_THROUGH_VPC_ENDPOINT = Predicate(
    "not_through_vpc_endpoint",
    "vpcendpointid IS NULL",
    "Keeps calls that did not go through a VPC endpoint.",
)
S3_EVENTS = Predicate(
    "s3_events",
    "eventsource = 's3.amazonaws.com'",
    "Keeps calls to Amazon S3.",
)
NOT_AWS_SERVICE_PRINCIPAL = Predicate(
    "not_aws_service_principal",
    "useridentity.principalid != 'AWSService'",
    "Removes calls made by AWS service principals.",
)
NOT_PREFLIGHT = Predicate(
    "not_preflight",
    "eventname != 'PreflightRequest'",
    "Removes unauthenticated CORS preflight requests.",
)
