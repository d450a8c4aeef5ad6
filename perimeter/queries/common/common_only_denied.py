from perimeter.inventory import ACCOUNTS, IAM_ROLES
from perimeter.queries import columns as c
from perimeter.queries import predicates as p
from perimeter.queries.spec import QuerySpec
from perimeter.rules import enrich

QUERY = QuerySpec(
    id="common_only_denied",
    title="Calls denied with an access-denied error",
    description=(
        "Lists calls that failed with AccessDenied, Client.UnauthorizedOperation, "
        "Client.InvalidPermission.NotFound or Client.OperationNotPermitted, to troubleshoot "
        "a control after it is enforced. AccessDeniedException is not in the list, as upstream."
    ),
    control_type="All",
    columns=(
        *c.PRINCIPAL,
        c.EVENTSOURCE,
        c.EVENTNAME,
        c.ERRORCODE,
        c.ERRORMESSAGE,
        c.SOURCEIPADDRESS,
        c.VPCENDPOINTID,
    ),
    predicates=(p.ACCESS_DENIED,),
    rules=(
        enrich.ADD_IS_ASSUMABLE_BY,
        enrich.ADD_IS_SERVICE_ROLE,
        enrich.ADD_IS_SERVICE_LINKED_ROLE,
    ),
    depends_on=(ACCOUNTS, IAM_ROLES),
    findings="Principal performed API calls with an access denied error message",
)
