// Package migrations holds the versioned SQL schema, one directory per
// dialect. The SQL files are the source of truth for the schema; GORM struct
// tags only describe the Go side.
package migrations

import "embed"

// Postgres holds the PostgreSQL migrations (goose format).
//
//go:embed postgres/*.sql
var Postgres embed.FS

// SQLite holds the SQLite migrations (goose format) for the embedded default.
//
//go:embed sqlite/*.sql
var SQLite embed.FS
