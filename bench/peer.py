"""The naive peer: DuckDB's `read_json` straight over the raw CloudTrail files, per query.

A SELECT with the CloudTrail table's lower-case columns reads the gzip files with `read_json`
(records as JSON, unnested); each catalogue query runs unchanged on it as a CTE named
`cloudtrail`. Only the columns the catalogue reads are mapped. `$files` is bound to the list of
files.
"""

PEER_SELECT = """
SELECT
  regexp_extract(filename, '/(\\d{4}/\\d{2}/\\d{2})/[^/]*$', 1) AS p_date,
  regexp_extract(filename, '/(\\d{12})/CloudTrail/', 1) AS p_account,
  {
    'type': r->>'$.userIdentity.type',
    'principalid': r->>'$.userIdentity.principalId',
    'arn': r->>'$.userIdentity.arn',
    'accountid': r->>'$.userIdentity.accountId',
    'sessioncontext': {
      'sessionissuer': {'arn': r->>'$.userIdentity.sessionContext.sessionIssuer.arn'}
    }
  } AS useridentity,
  r->>'eventSource' AS eventsource,
  r->>'eventName' AS eventname,
  r->>'sourceIPAddress' AS sourceipaddress,
  r->>'vpcEndpointId' AS vpcendpointid,
  r->>'errorCode' AS errorcode,
  r->>'errorMessage' AS errormessage,
  CAST(r->'requestParameters' AS VARCHAR) AS requestparameters
FROM (
  SELECT unnest(Records) AS r, filename
  FROM read_json($files, columns = {'Records': 'JSON[]'}, filename = true,
                 maximum_object_size = 1000000000)
)
"""
