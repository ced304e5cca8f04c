// Package store is the only package that speaks SQL. It keeps postdesk's state
// in one SQLite file (modernc.org/sqlite, no cgo): WAL journal, synchronous
// FULL, foreign keys on. Every write goes through one writer goroutine that
// owns the only writing connection and commits the requests waiting for it
// together (group commit); reads use a separate read-only pool.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrClosed is returned by Write after Close.
var ErrClosed = errors.New("store closed")

// ErrNotFound is returned when a ticket or row named by the caller does not exist.
var ErrNotFound = errors.New("not found")

// Options tune a Store. The zero value is usable.
type Options struct {
	// Synchronous is SQLite's synchronous setting: "FULL" (default) makes a
	// commit durable across power loss before Write returns.
	Synchronous string
	// MaxBatch bounds how many writes one commit takes; default 64.
	MaxBatch int
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Store is an open database. It is safe for concurrent use.
type Store struct {
	w       *sql.DB // one connection, BEGIN IMMEDIATE, used only by the writer goroutine
	r       *sql.DB // read-only pool
	reqs    chan writeReq
	closing chan struct{}
	stopped chan struct{}
	opts    Options
}

type writeReq struct {
	fn   func(*Tx) error
	done chan error
}

// Open opens (creating if needed) the database at path, applies pending
// migrations and starts the writer.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if strings.ContainsAny(path, "?#") || path == "" {
		return nil, fmt.Errorf("open store: database path %q must be a plain file name", path)
	}
	if opts.Synchronous == "" {
		opts.Synchronous = "FULL"
	}
	switch opts.Synchronous {
	case "FULL", "NORMAL", "EXTRA":
	default:
		return nil, fmt.Errorf("open store: synchronous must be FULL, NORMAL or EXTRA, not %q", opts.Synchronous)
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 64
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	common := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	w, err := sql.Open("sqlite", "file:"+path+"?"+common+
		"&_pragma=journal_mode(WAL)&_pragma=synchronous("+opts.Synchronous+")&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := migrate(ctx, w, opts.Now().UTC()); err != nil {
		w.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", "file:"+path+"?"+common+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open store readers: %w", err)
	}
	r.SetMaxOpenConns(4)
	s := &Store{w: w, r: r, reqs: make(chan writeReq), closing: make(chan struct{}),
		stopped: make(chan struct{}), opts: opts}
	go s.writer()
	return s, nil
}

// Close stops the writer after the writes already handed to it and closes
// the database. Writes that arrive later fail with ErrClosed.
func (s *Store) Close() error {
	select {
	case <-s.closing:
		return nil
	default:
	}
	close(s.closing)
	<-s.stopped
	return errors.Join(s.w.Close(), s.r.Close())
}

// Write runs fn inside a transaction and returns once that transaction is
// committed (or fn's error, with fn's changes undone). fn may be batched with
// other writers' functions into one commit; each runs in its own savepoint, so
// one failing rolls back only its own changes. fn must not keep tx.
func (s *Store) Write(ctx context.Context, fn func(*Tx) error) error {
	req := writeReq{fn: fn, done: make(chan error, 1)}
	select {
	case s.reqs <- req:
	case <-s.closing:
		return ErrClosed
	case <-ctx.Done():
		return fmt.Errorf("wait for writer: %w", ctx.Err())
	}
	// Once handed over, the request is answered: waiting keeps "committed"
	// and "told the caller" the same thing.
	return <-req.done
}

func (s *Store) writer() {
	defer close(s.stopped)
	for {
		select {
		case req := <-s.reqs:
			batch := []writeReq{req}
		fill:
			for len(batch) < s.opts.MaxBatch {
				select {
				case more := <-s.reqs:
					batch = append(batch, more)
				default:
					break fill
				}
			}
			s.commit(batch)
		case <-s.closing:
			return
		}
	}
}

// commit runs a batch in one transaction, each request in a savepoint. An
// error that makes SQLite roll back the whole transaction (RAISE(ROLLBACK),
// SQLITE_FULL, an I/O error) undoes the savepoints of the requests before it
// too, and the statements of later requests would then run outside any
// transaction and commit one by one. So once the savepoint machinery fails,
// no further request of the batch is run and none is told it was committed:
// every request answers an error and its caller may try again.
func (s *Store) commit(batch []writeReq) {
	ctx := context.Background()
	results := make([]error, len(batch))
	answer := func() {
		for i, r := range batch {
			r.done <- results[i]
		}
	}
	defer answer()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		for i := range results {
			results[i] = fmt.Errorf("begin: %w", err)
		}
		return
	}
	var lost error // the transaction is gone or unusable
	for i, r := range batch {
		if lost != nil {
			results[i] = fmt.Errorf("not run: the transaction of its batch was lost: %w", lost)
			continue
		}
		results[i], lost = s.runOne(ctx, tx, r.fn)
	}
	if lost != nil {
		_ = tx.Rollback() // fails when SQLite already rolled back; nothing is left either way
		for i := range results {
			if results[i] == nil {
				results[i] = fmt.Errorf("rolled back with its batch: %w", lost)
			}
		}
		return
	}
	if err := tx.Commit(); err != nil {
		for i := range results {
			if results[i] == nil {
				results[i] = fmt.Errorf("commit: %w", err)
			}
		}
	}
}

// PanicError is the error of a write whose function panicked: the write was
// rolled back like any failed one. Stack is where it panicked, for the log;
// Error names only the panic's value.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("write panicked: %v", e.Value) }

// runOne runs fn in a savepoint of tx; err is fn's outcome. lost is set when
// the savepoint could not be made, rolled back to or released: the
// transaction itself is then gone or unusable, and err says so too.
func (s *Store) runOne(ctx context.Context, tx *sql.Tx, fn func(*Tx) error) (err, lost error) {
	if _, err := tx.ExecContext(ctx, "SAVEPOINT w"); err != nil {
		err = fmt.Errorf("savepoint: %w", err)
		return err, err
	}
	defer func() {
		if r := recover(); r != nil {
			err = &PanicError{Value: r, Stack: debug.Stack()}
		}
		if err != nil {
			if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO w"); rerr != nil {
				lost = fmt.Errorf("rollback to savepoint: %w", rerr)
				err = errors.Join(err, lost)
			}
		}
		if _, rerr := tx.ExecContext(ctx, "RELEASE w"); rerr != nil {
			rerr = fmt.Errorf("release savepoint: %w", rerr)
			lost = errors.Join(lost, rerr)
			err = errors.Join(err, rerr)
		}
	}()
	return fn(&Tx{tx: tx, ctx: ctx}), nil
}

// Now returns the store's clock reading, in UTC.
func (s *Store) Now() time.Time { return s.opts.Now().UTC() }

// tsLayout is fixed width so that stored times sort as text.
const tsLayout = "2006-01-02T15:04:05.000000000Z"

func ts(t time.Time) string { return t.UTC().Format(tsLayout) }

func parseTS(s string) (time.Time, error) {
	t, err := time.Parse(tsLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}
