"""The `findings` sentence of each result row."""

import pandas as pd

NOT_IN_ORG = "Principal is not part of the current organization"
UNAUTHENTICATED = "Unauthenticated API call"


def identity_findings(frame: pd.DataFrame) -> pd.Series:
    """Identity-perimeter label: anonymous callers are unauthenticated, others are outsiders."""
    anonymous = frame["principal_accountid"].map(lambda v: v == "anonymous").astype(bool)
    return anonymous.map({True: UNAUTHENTICATED, False: NOT_IN_ORG})
