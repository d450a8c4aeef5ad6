"""`dph sample`: a deterministic synthetic organisation and its CloudTrail logs.

`generate` writes, under one folder:

- `cloudtrail/`: gzip CloudTrail files in the S3 key layout, background traffic plus the
  planted calls of `planted.py`;
- `inventory/`: the organisation's accounts, OU tree, IAM roles, VPC endpoints and buckets,
  in the AWS CLI shapes `LocalInventory` reads;
- `variables.yaml` and `data_perimeter.yaml`, ready for `dph run`;
- `PLANTED.md`: what each query must and must not report.

The same arguments always give byte-identical files.
"""

from dph_pipeline.sample.generate import SampleSummary, generate

__all__ = ["SampleSummary", "generate"]
