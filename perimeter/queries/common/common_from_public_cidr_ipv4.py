from perimeter.inventory import ACCOUNTS, IAM_ROLES
from perimeter.queries import columns as c
from perimeter.queries import predicates as p
from perimeter.queries.spec import QuerySpec
from perimeter.rules import enrich, trust

QUERY = QuerySpec(
    id="common_from_public_cidr_ipv4",
    title="Calls from public IPv4 addresses outside the expected CIDRs",
    description=(
        "Lists successful calls that did not go through a VPC endpoint and did not come from "
        "an AWS service network or an IPv6 address, so were made from an IPv4 address that an "
        "aws:SourceIp condition must allow. Expected CIDRs, trusted accounts and trusted "
        "principals are removed."
    ),
    control_type="network_perimeter",
    columns=(*c.PRINCIPAL, c.EVENTSOURCE, c.EVENTNAME, c.SOURCEIPADDRESS),
    predicates=(
        p.NOT_SERVICE_LINKED_ROLE,
        p.NOT_AWS_NETWORK_OR_IPV6,
        p.NOT_THROUGH_VPC_ENDPOINT,
        p.SUCCEEDED,
    ),
    rules=(
        trust.REMOVE_EXPECTED_PUBLIC_CIDR,
        trust.remove_trusted_accounts("network_perimeter_trusted_account"),
        trust.remove_trusted_principals("network_perimeter_trusted_principal"),
        enrich.ADD_IS_ASSUMABLE_BY,
        enrich.ADD_IS_SERVICE_ROLE,
        enrich.ADD_IS_SERVICE_LINKED_ROLE,
        enrich.REMOVE_SERVICE_LINKED_ROLES,
    ),
    depends_on=(ACCOUNTS, IAM_ROLES),
    findings="Principal is performing AWS API calls from an unexpected public CIDR",
)
