"""The indicator database: hash lists with provenance, four-eyes verification, the benign-corpus
guard, the providers' lookup and change feed."""
