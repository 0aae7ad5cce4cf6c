"""Storage: files, schema versions and migrations, edits as transactions, snapshots. No Qt."""
