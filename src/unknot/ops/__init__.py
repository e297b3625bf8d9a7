"""Operations tooling: database backup and restore (``unknot backup`` / ``unknot restore``)."""
