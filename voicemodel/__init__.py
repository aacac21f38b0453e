"""The voice model: the sample grammar (``grammar``), its build into the interaction models (``build``)
and the paraphrase measurement (``measure``)."""
