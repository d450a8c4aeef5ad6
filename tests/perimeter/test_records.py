"""to_row (CloudTrail event -> Athena-column row) and event_day."""

import pyarrow as pa
import pytest

from perimeter.records import event_day, to_row
from perimeter.schema import CLOUDTRAIL_SCHEMA, DATA_COLUMNS

EVENT = {
    "eventVersion": "1.08",
    "userIdentity": {
        "type": "AssumedRole",
        "principalId": "AROAEXAMPLE:alice",
        "arn": "arn:aws:sts::111111111111:assumed-role/Admin/alice",
        "accountId": "111111111111",
        "accessKeyId": "ASIAEXAMPLE",
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAEXAMPLE",
                "arn": "arn:aws:iam::111111111111:role/Admin",
                "accountId": "111111111111",
                "userName": "Admin",
            },
            "webIdFederationData": {},
            "attributes": {"creationDate": "2024-01-02T03:00:00Z", "mfaAuthenticated": "false"},
            "ec2RoleDelivery": "2.0",
        },
    },
    "eventTime": "2024-01-02T03:04:05Z",
    "eventSource": "s3.amazonaws.com",
    "eventName": "PutObject",
    "awsRegion": "eu-west-1",
    "sourceIPAddress": "203.0.113.7",
    "userAgent": "aws-cli/2.15",
    "requestParameters": {"bucketName": "b", "key": "k", "x-amz-acl": "private"},
    "responseElements": None,
    "additionalEventData": {"bytesTransferredIn": 12, "SignatureVersion": "SigV4"},
    "requestID": "R1",
    "eventID": "E1",
    "readOnly": False,
    "resources": [
        {"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::b/k"},
        {"accountId": "222222222222", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::b"},
    ],
    "eventType": "AwsApiCall",
    "managementEvent": False,
    "recipientAccountId": "111111111111",
    "eventCategory": "Data",
    "vpcEndpointId": "vpce-0123",
    "tlsDetails": {
        "tlsVersion": "TLSv1.3",
        "cipherSuite": "TLS_AES_128_GCM_SHA256",
        "clientProvidedHostHeader": "b.s3.eu-west-1.amazonaws.com",
    },
}

ROW = {
    "eventversion": "1.08",
    "useridentity": {
        "type": "AssumedRole",
        "principalid": "AROAEXAMPLE:alice",
        "arn": "arn:aws:sts::111111111111:assumed-role/Admin/alice",
        "accountid": "111111111111",
        "invokedby": None,
        "accesskeyid": "ASIAEXAMPLE",
        "username": None,
        "sessioncontext": {
            "attributes": {"mfaauthenticated": "false", "creationdate": "2024-01-02T03:00:00Z"},
            "sessionissuer": {
                "type": "Role",
                "principalid": "AROAEXAMPLE",
                "arn": "arn:aws:iam::111111111111:role/Admin",
                "accountid": "111111111111",
                "username": "Admin",
            },
            "ec2roledelivery": "2.0",
            "webidfederationdata": [],
        },
    },
    "eventtime": "2024-01-02T03:04:05Z",
    "eventsource": "s3.amazonaws.com",
    "eventname": "PutObject",
    "awsregion": "eu-west-1",
    "sourceipaddress": "203.0.113.7",
    "useragent": "aws-cli/2.15",
    "errorcode": None,
    "errormessage": None,
    "requestparameters": '{"bucketName":"b","key":"k","x-amz-acl":"private"}',
    "responseelements": None,
    "additionaleventdata": '{"bytesTransferredIn":12,"SignatureVersion":"SigV4"}',
    "requestid": "R1",
    "eventid": "E1",
    "readonly": "false",
    "resources": [
        {"arn": "arn:aws:s3:::b/k", "accountid": None, "type": "AWS::S3::Object"},
        {"arn": "arn:aws:s3:::b", "accountid": "222222222222", "type": "AWS::S3::Bucket"},
    ],
    "eventtype": "AwsApiCall",
    "apiversion": None,
    "recipientaccountid": "111111111111",
    "serviceeventdetails": None,
    "sharedeventid": None,
    "vpcendpointid": "vpce-0123",
    "tlsdetails": {
        "tlsversion": "TLSv1.3",
        "ciphersuite": "TLS_AES_128_GCM_SHA256",
        "clientprovidedhostheader": "b.s3.eu-west-1.amazonaws.com",
    },
}


def test_full_event_maps_to_the_lower_case_athena_columns():
    row = to_row(EVENT)
    assert list(row) == list(DATA_COLUMNS)
    assert row == ROW


def test_row_fits_the_arrow_schema():
    row = to_row(EVENT) | {"p_account": "111111111111", "p_region": "eu-west-1", "p_date": "x"}
    table = pa.Table.from_pylist([row], schema=CLOUDTRAIL_SCHEMA)
    assert table.column("requestparameters").to_pylist() == [ROW["requestparameters"]]
    assert (
        table.column("useridentity").to_pylist()[0]["sessioncontext"]["sessionissuer"]
        == (ROW["useridentity"]["sessioncontext"]["sessionissuer"])
    )


def test_null_request_parameters_and_missing_error_code_are_null():
    row = to_row({"eventName": "DescribeRegions", "requestParameters": None})
    assert row["requestparameters"] is None
    assert row["errorcode"] is None
    assert row["errormessage"] is None
    row = to_row({"eventName": "X", "errorCode": "AccessDenied", "errorMessage": None})
    assert row["errorcode"] == "AccessDenied"
    assert row["errormessage"] is None


def test_service_event_identity_without_type_has_null_type():
    row = to_row(
        {"userIdentity": {"accountId": "123837392027", "invokedBy": "health.amazonaws.com"}}
    )
    assert row["useridentity"] == {
        "type": None,
        "principalid": None,
        "arn": None,
        "accountid": "123837392027",
        "invokedby": "health.amazonaws.com",
        "accesskeyid": None,
        "username": None,
        "sessioncontext": None,
    }


def test_empty_session_issuer_is_a_struct_of_nulls_and_a_string_one_is_null():
    empty = to_row({"userIdentity": {"type": "IAMUser", "sessionContext": {"sessionIssuer": {}}}})
    context = empty["useridentity"]["sessioncontext"]
    assert context["sessionissuer"] == dict.fromkeys(
        ["type", "principalid", "arn", "accountid", "username"]
    )
    assert context["attributes"] is None
    text = to_row({"userIdentity": {"sessionContext": {"sessionIssuer": ""}}})
    assert text["useridentity"]["sessioncontext"]["sessionissuer"] is None


def test_scalars_become_text_and_objects_compact_json():
    row = to_row(
        {
            "apiVersion": 2,
            "readOnly": True,
            "eventVersion": 1.5,
            "requestParameters": {"Tagging": {"a": 1}, "tagging": "", "list": [1, None]},
            "serviceEventDetails": "already text",
            "eventType": ["odd"],
        }
    )
    assert row["apiversion"] == "2"
    assert row["readonly"] == "true"
    assert row["eventversion"] == "1.5"
    assert row["requestparameters"] == '{"Tagging":{"a":1},"tagging":"","list":[1,null]}'
    assert row["serviceeventdetails"] == "already text"
    assert row["eventtype"] == '["odd"]'


def test_keys_match_case_insensitively_and_maps_keep_their_keys():
    row = to_row(
        {
            "EVENTNAME": "AssumeRoleWithWebIdentity",
            "recipientaccountid": "111111111111",
            "userIdentity": {
                "type": "WebIdentityUser",
                "sessionContext": {
                    "webIdFederationData": {
                        "federatedProvider": "accounts.google.com",
                        "attributes": {"aud": "x"},
                    }
                },
            },
            "resources": "not a list",
        }
    )
    assert row["eventname"] == "AssumeRoleWithWebIdentity"
    assert row["recipientaccountid"] == "111111111111"
    assert row["useridentity"]["sessioncontext"]["webidfederationdata"] == [
        ("federatedProvider", "accounts.google.com"),
        ("attributes", '{"aud":"x"}'),
    ]
    assert row["resources"] is None


def test_empty_event_is_a_row_of_nulls():
    assert to_row({}) == dict.fromkeys(DATA_COLUMNS)


@pytest.mark.parametrize(
    ("event_time", "day"),
    [
        ("2023-07-10T11:42:18Z", "2023/07/10"),
        ("2023-07-10T00:00:00Z", "2023/07/10"),
        ("2023-07-10T23:59:59.999Z", "2023/07/10"),
        ("2023-07-10T23:30:00-02:00", "2023/07/11"),
        ("2023-07-10T00:30:00+01:00", "2023/07/09"),
        ("2023-07-10T11:42:18", "2023/07/10"),
        ("2023-07-10", "2023/07/10"),
        ("2024-02-29T12:00:00Z", "2024/02/29"),
    ],
)
def test_event_day_is_the_utc_day(event_time, day):
    assert event_day(event_time) == day


@pytest.mark.parametrize(
    "event_time",
    [None, "", "2023-07", "yesterday!", "2023-13-10T00:00:00Z", "Jul 10, 2023 11:42", 1688989338],
)
def test_event_day_of_unusable_times_is_none(event_time):
    assert event_day(event_time) is None
