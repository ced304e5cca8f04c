package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"
)

// ErrNoDatabase is wrapped by OpenReader and RequireFile when no database
// file exists at the path.
var ErrNoDatabase = errors.New("no database")

// RequireFile refuses a path where no database file exists, with an error
// wrapping ErrNoDatabase that names the path. Commands that must not create
// a database (a typo in --db would otherwise give an empty new one) call it
// before Open.
func RequireFile(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w at %s: check --db or database.path (postdesk serve creates it)", ErrNoDatabase, path)
	case err != nil:
		return fmt.Errorf("open store %s: %w", path, err)
	case fi.IsDir():
		return fmt.Errorf("open store %s: is a directory, not a database file", path)
	}
	return nil
}

// SchemaVersion is the newest migration this binary carries: the schema
// version OpenReader requires of a database.
func SchemaVersion() (int, error) {
	ms, err := migrations()
	if err != nil {
		return 0, err
	}
	if len(ms) == 0 {
		return 0, nil
	}
	return ms[len(ms)-1].version, nil
}

// OpenReader opens the existing database at path for reading only: its
// connections are opened read-only (mode=ro, query_only), no migration runs,
// no database is created, and a desk running on the same file is not
// disturbed (WAL readers take no write lock). Reading a WAL database still
// needs its -wal and -shm files, which SQLite makes beside it when the desk
// is not running; the reader must be able to write in that folder then. It refuses a missing file (ErrNoDatabase,
// naming the path), a file that is not a postdesk database, and one whose
// schema version differs from this binary's: an older file must first be
// migrated by this binary's `postdesk serve`, a newer one read with the
// newer binary that wrote it. The returned Store serves every read method;
// Write on it fails because the connection cannot write. Close it as usual.
func OpenReader(ctx context.Context, path string, opts Options) (*Store, error) {
	if strings.ContainsAny(path, "?#") || path == "" {
		return nil, fmt.Errorf("open store: database path %q must be a plain file name", path)
	}
	if err := RequireFile(path); err != nil {
		return nil, err
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 64
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	dsn := "file:" + path + "?mode=ro&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=query_only(1)"
	r, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	if err := checkSchema(ctx, r, path); err != nil {
		r.Close()
		return nil, err
	}
	// The "writer" is one more read-only connection (opened lazily, only if
	// someone writes): a Write fails with SQLite's read-only error instead
	// of changing the file.
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	s := &Store{w: w, r: r, reqs: make(chan writeReq), closing: make(chan struct{}),
		stopped: make(chan struct{}), opts: opts}
	go s.writer()
	return s, nil
}

// checkSchema compares the file's newest recorded migration with this
// binary's, naming what to run when they differ.
func checkSchema(ctx context.Context, db *sql.DB, path string) error {
	want, err := SchemaVersion()
	if err != nil {
		return err
	}
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master
		WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&tables); err != nil {
		return fmt.Errorf("open store %s: not a readable SQLite database: %w", path, err)
	}
	if tables == 0 {
		return fmt.Errorf("open store %s: not a postdesk database (no schema_migrations table)", path)
	}
	var have int
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("open store %s: read schema version: %w", path, err)
	}
	switch {
	case have < want:
		return fmt.Errorf("open store %s: schema version %d is older than this postdesk's %d: "+
			"run this postdesk's `serve` (or `deliver`) once to migrate it, then read again", path, have, want)
	case have > want:
		return fmt.Errorf("open store %s: schema version %d is newer than this postdesk's %d: "+
			"read it with the newer postdesk that wrote it", path, have, want)
	}
	return nil
}
