"""The CloudTrail table schema against the Athena DDL (upstream spec, section 3)."""

import pyarrow as pa

from perimeter.schema import (
    CLOUDTRAIL_SCHEMA,
    DATA_COLUMNS,
    JSON_TEXT_COLUMNS,
    PARTITION_COLUMNS,
    TABLE_NAME,
)

# Spec 3.1, in DDL order, lower-cased by hand; then the partition columns of spec 3.2.
ATHENA_COLUMNS = [
    "eventversion",
    "useridentity",
    "eventtime",
    "eventsource",
    "eventname",
    "awsregion",
    "sourceipaddress",
    "useragent",
    "errorcode",
    "errormessage",
    "requestparameters",
    "responseelements",
    "additionaleventdata",
    "requestid",
    "eventid",
    "readonly",
    "resources",
    "eventtype",
    "apiversion",
    "recipientaccountid",
    "serviceeventdetails",
    "sharedeventid",
    "vpcendpointid",
    "tlsdetails",
]


def _names(struct: pa.DataType) -> list[str]:
    return [f.name for f in struct]


def test_columns_follow_the_athena_table_then_partitions():
    assert TABLE_NAME == "cloudtrail"
    assert CLOUDTRAIL_SCHEMA.names == [*ATHENA_COLUMNS, "p_account", "p_region", "p_date"]
    assert PARTITION_COLUMNS == ("p_account", "p_region", "p_date")
    assert list(DATA_COLUMNS) == ATHENA_COLUMNS


def test_nested_struct_fields_are_the_athena_ones_lower_cased():
    identity = CLOUDTRAIL_SCHEMA.field("useridentity").type
    assert _names(identity) == [
        "type",
        "principalid",
        "arn",
        "accountid",
        "invokedby",
        "accesskeyid",
        "username",
        "sessioncontext",
    ]
    context = identity.field("sessioncontext").type
    assert _names(context) == [
        "attributes",
        "sessionissuer",
        "ec2roledelivery",
        "webidfederationdata",
    ]
    assert _names(context.field("attributes").type) == ["mfaauthenticated", "creationdate"]
    assert _names(context.field("sessionissuer").type) == [
        "type",
        "principalid",
        "arn",
        "accountid",
        "username",
    ]
    assert context.field("webidfederationdata").type == pa.map_(pa.string(), pa.string())
    resources = CLOUDTRAIL_SCHEMA.field("resources").type
    assert pa.types.is_list(resources)
    assert _names(resources.value_type) == ["arn", "accountid", "type"]
    tls = CLOUDTRAIL_SCHEMA.field("tlsdetails").type
    assert _names(tls) == ["tlsversion", "ciphersuite", "clientprovidedhostheader"]


def test_scalar_and_json_columns_are_strings():
    nested = {"useridentity", "resources", "tlsdetails"}
    for field in CLOUDTRAIL_SCHEMA:
        if field.name not in nested:
            assert field.type == pa.string(), field.name
    assert JSON_TEXT_COLUMNS == {
        "requestparameters",
        "responseelements",
        "additionaleventdata",
        "serviceeventdetails",
    }
