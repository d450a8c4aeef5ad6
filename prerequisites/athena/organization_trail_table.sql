-- The CloudTrail table the Athena engine queries: an organization trail's S3 prefix, read
-- through partition projection, so no partition is ever added by hand.
--
-- Replace before running in the Athena console:
--   <TABLE_NAME>          e.g. cloudtrail_org_logs (set it as athena_table_name_mgmt_data_event)
--   <BUCKET_WITH_PREFIX>  the trail's bucket and optional prefix, e.g. my-trail-bucket/prefix
--   <ORG_ID>              the organization id, e.g. o-a1b2c3d4e5
--   <REGIONS>             every region the trail logs, comma-separated, with us-east-1
--                         (global services log there), e.g. us-east-1,eu-west-1,eu-west-3
--   <ACCOUNT_IDS>         every account of the organization, comma-separated
-- For a trail of one account (no organization), remove "<ORG_ID>/" from LOCATION and from
-- storage.location.template.
--
-- The columns are those of perimeter/schema.py (the DuckDB day store uses the same names,
-- in lower case). The catalogue queries scan every account of the organization in one
-- statement (with no p_account filter), so p_account is an enum projection over the accounts;
-- add an account when it joins the organization.
CREATE EXTERNAL TABLE IF NOT EXISTS <TABLE_NAME> (
    eventversion STRING,
    useridentity STRUCT<
        type: STRING,
        principalid: STRING,
        arn: STRING,
        accountid: STRING,
        invokedby: STRING,
        accesskeyid: STRING,
        username: STRING,
        sessioncontext: STRUCT<
            attributes: STRUCT<mfaauthenticated: STRING, creationdate: STRING>,
            sessionissuer: STRUCT<
                type: STRING, principalid: STRING, arn: STRING, accountid: STRING, username: STRING
            >,
            ec2roledelivery: STRING,
            webidfederationdata: MAP<STRING, STRING>
        >
    >,
    eventtime STRING,
    eventsource STRING,
    eventname STRING,
    awsregion STRING,
    sourceipaddress STRING,
    useragent STRING,
    errorcode STRING,
    errormessage STRING,
    requestparameters STRING,
    responseelements STRING,
    additionaleventdata STRING,
    requestid STRING,
    eventid STRING,
    readonly STRING,
    resources ARRAY<STRUCT<arn: STRING, accountid: STRING, type: STRING>>,
    eventtype STRING,
    apiversion STRING,
    recipientaccountid STRING,
    serviceeventdetails STRING,
    sharedeventid STRING,
    vpcendpointid STRING,
    tlsdetails STRUCT<tlsversion: STRING, ciphersuite: STRING, clientprovidedhostheader: STRING>
)
PARTITIONED BY (p_account STRING, p_region STRING, p_date STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://<BUCKET_WITH_PREFIX>/AWSLogs/<ORG_ID>/'
TBLPROPERTIES (
    'projection.enabled' = 'true',
    'projection.p_date.type' = 'date',
    'projection.p_date.format' = 'yyyy/MM/dd',
    'projection.p_date.interval' = '1',
    'projection.p_date.interval.unit' = 'DAYS',
    'projection.p_date.range' = '2022/01/01,NOW',
    'projection.p_region.type' = 'enum',
    'projection.p_region.values' = '<REGIONS>',
    'projection.p_account.type' = 'enum',
    'projection.p_account.values' = '<ACCOUNT_IDS>',
    'storage.location.template' =
        's3://<BUCKET_WITH_PREFIX>/AWSLogs/<ORG_ID>/${p_account}/CloudTrail/${p_region}/${p_date}'
);
