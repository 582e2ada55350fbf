"""newsclean's Prefect layer: thin tasks over `pipeline`, the `clean-news` flow, the CLI."""
