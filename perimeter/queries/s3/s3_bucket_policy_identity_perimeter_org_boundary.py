from perimeter.inventory import ACCOUNTS, IAM_ROLES, S3_BUCKETS
from perimeter.queries import columns as c
from perimeter.queries import predicates as p
from perimeter.queries.spec import QuerySpec
from perimeter.rules import s3, trust
from perimeter.rules.findings import identity_findings

QUERY = QuerySpec(
    id="s3_bucket_policy_identity_perimeter_org_boundary",
    title="Calls on the account's buckets by principals outside the organization",
    description=(
        "Lists successful calls on buckets owned by the account holding the logs, made by "
        "principals of accounts outside the organization or by anonymous callers: the calls a "
        "bucket policy with aws:PrincipalOrgID would deny. Trusted accounts, trusted "
        "principals and per-bucket exceptions are removed."
    ),
    control_type="identity_perimeter",
    columns=(*c.PRINCIPAL, c.BUCKETNAME, c.SOURCEIPADDRESS, c.VPCENDPOINTID),
    predicates=(p.S3_EVENTS, p.NOT_AWS_SERVICE_PRINCIPAL, p.NOT_PREFLIGHT, p.SUCCEEDED),
    rules=(
        s3.KEEP_ACCOUNT_BUCKETS,
        trust.REMOVE_ORG_PRINCIPALS,
        trust.remove_trusted_accounts("identity_perimeter_trusted_account"),
        trust.remove_trusted_principals("identity_perimeter_trusted_principal"),
        s3.remove_bucket_exceptions("identity_perimeter_trusted_principal"),
    ),
    depends_on=(ACCOUNTS, IAM_ROLES, S3_BUCKETS),
    uses_data_events=True,
    findings=identity_findings,
)
