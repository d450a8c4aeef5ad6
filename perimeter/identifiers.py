"""Shapes of AWS identifiers, shared by the configuration and inventory checks.

Use with `fullmatch`.
"""

import re

ACCOUNT_ID = re.compile(r"[0-9]{12}")
VPC_ID = re.compile(r"vpc-[0-9a-f]{8,17}")
VPCE_ID = re.compile(r"vpce-[0-9a-f]{8,17}")
OU_ID = re.compile(r"ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}")
ROOT_ID = re.compile(r"r-[0-9a-z]{4,32}")
