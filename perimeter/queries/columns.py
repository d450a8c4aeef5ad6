"""Output columns shared by catalogue queries (upstream's standard aliases)."""

from perimeter.queries.spec import Column

PRINCIPAL_ARN = Column("useridentity.sessioncontext.sessionissuer.arn", "principal_arn")
PRINCIPAL_TYPE = Column("useridentity.type", "principal_type")
PRINCIPAL_ACCOUNTID = Column("useridentity.accountid", "principal_accountid")
PRINCIPALID = Column("useridentity.principalid", "principalid")
EVENTSOURCE = Column("eventsource", "eventsource")
EVENTNAME = Column("eventname", "eventname")
SOURCEIPADDRESS = Column("sourceipaddress", "sourceipaddress")
VPCENDPOINTID = Column("vpcendpointid", "vpcendpointid")
ERRORCODE = Column("errorcode", "errorcode")
ERRORMESSAGE = Column("errormessage", "errormessage")
BUCKETNAME = Column("json_extract_scalar(requestparameters, '$.bucketName')", "bucketname")

PRINCIPAL = (PRINCIPAL_ARN, PRINCIPAL_TYPE, PRINCIPAL_ACCOUNTID, PRINCIPALID)
