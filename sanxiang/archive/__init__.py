"""The archive (档案): case files that outlive the case — JL-ARC-1…4, JL-USE-1…3.

Units (案卷) are assembled from a finished case or inspection, rendered as one paginated
volume, checked (四性检测, DA/T 70), filed with a head's approval under a gapless 档号,
kept for their retention period, exported as self-verifying BagIt packages and disposed
of only through an approved appraisal.
"""
