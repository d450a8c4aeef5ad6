"""The CloudTrail table: columns and types of the Athena table, lower-cased.

Both engines see the same table. Athena reads it through the DDL in
`prerequisites/athena/organization_trail_table.sql`; the DuckDB engine writes Parquet day
stores with exactly this Arrow schema. Nested structs keep CloudTrail's field names, lower-cased,
because Athena's JSON SerDe matches keys case-insensitively. The JSON-valued fields
(`requestparameters`, `responseelements`, `additionaleventdata`, `serviceeventdetails`) stay JSON
text, as in the Athena table, and are read with `json_extract_scalar`.
"""

import pyarrow as pa

TABLE_NAME = "cloudtrail"

_S = pa.string()

SESSION_ISSUER = pa.struct(
    [("type", _S), ("principalid", _S), ("arn", _S), ("accountid", _S), ("username", _S)]
)
SESSION_CONTEXT = pa.struct(
    [
        ("attributes", pa.struct([("mfaauthenticated", _S), ("creationdate", _S)])),
        ("sessionissuer", SESSION_ISSUER),
        ("ec2roledelivery", _S),
        ("webidfederationdata", pa.map_(_S, _S)),
    ]
)
USER_IDENTITY = pa.struct(
    [
        ("type", _S),
        ("principalid", _S),
        ("arn", _S),
        ("accountid", _S),
        ("invokedby", _S),
        ("accesskeyid", _S),
        ("username", _S),
        ("sessioncontext", SESSION_CONTEXT),
    ]
)
RESOURCE = pa.struct([("arn", _S), ("accountid", _S), ("type", _S)])
TLS_DETAILS = pa.struct([("tlsversion", _S), ("ciphersuite", _S), ("clientprovidedhostheader", _S)])

#: Columns whose CloudTrail value is a JSON object kept as JSON text.
JSON_TEXT_COLUMNS = frozenset(
    {"requestparameters", "responseelements", "additionaleventdata", "serviceeventdetails"}
)

#: Partition columns, in the Athena table's order. `p_date` is `YYYY/MM/DD`.
PARTITION_COLUMNS = ("p_account", "p_region", "p_date")

CLOUDTRAIL_SCHEMA = pa.schema(
    [
        ("eventversion", _S),
        ("useridentity", USER_IDENTITY),
        ("eventtime", _S),
        ("eventsource", _S),
        ("eventname", _S),
        ("awsregion", _S),
        ("sourceipaddress", _S),
        ("useragent", _S),
        ("errorcode", _S),
        ("errormessage", _S),
        ("requestparameters", _S),
        ("responseelements", _S),
        ("additionaleventdata", _S),
        ("requestid", _S),
        ("eventid", _S),
        ("readonly", _S),
        ("resources", pa.list_(RESOURCE)),
        ("eventtype", _S),
        ("apiversion", _S),
        ("recipientaccountid", _S),
        ("serviceeventdetails", _S),
        ("sharedeventid", _S),
        ("vpcendpointid", _S),
        ("tlsdetails", TLS_DETAILS),
        ("p_account", _S),
        ("p_region", _S),
        ("p_date", _S),
    ]
)

#: Top-level data columns (the schema without the partition columns).
DATA_COLUMNS = tuple(n for n in CLOUDTRAIL_SCHEMA.names if n not in PARTITION_COLUMNS)
