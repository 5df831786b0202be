"""The write path and the index on disk: the Whoosh schema, izde's segment writer, crash-safe
generations (CURRENT, manifest, checksums), the update run and the index check."""
