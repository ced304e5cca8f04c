package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A reader opens the file a running writer holds, sees its committed
// tickets, and cannot write.
func TestOpenReaderBesideWriter(t *testing.T) {
	s, path := openTest(t)
	ctx := context.Background()
	queueOne(t, s) // a ticket, its message and an outbox row
	r, err := OpenReader(ctx, path, Options{})
	if err != nil {
		t.Fatalf("OpenReader: %v", err)
	}
	defer r.Close()
	list, err := r.ListTickets(ctx, TicketFilter{})
	if err != nil || len(list) != 1 || list[0].Ref != "TKT-1" {
		t.Fatalf("Tickets through the reader = %+v, %v", list, err)
	}
	err = r.Write(ctx, func(tx *Tx) error { return tx.CreateTicket("TKT", newTicket("through the reader")) })
	if err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Errorf("Write through a reader = %v, want SQLite's read-only refusal", err)
	}
	// The writer still writes while the reader is open.
	queueOne2 := func() error {
		return s.Write(ctx, func(tx *Tx) error { return tx.CreateTicket("TKT", newTicket("second")) })
	}
	if err := queueOne2(); err != nil {
		t.Fatalf("writer beside a reader: %v", err)
	}
	if list, err := r.ListTickets(ctx, TicketFilter{}); err != nil || len(list) != 2 {
		t.Errorf("reader after a new commit: %d tickets, %v", len(list), err)
	}
}

func TestOpenReaderRefusesMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "typo.db")
	_, err := OpenReader(context.Background(), path, Options{})
	if !errors.Is(err, ErrNoDatabase) || !strings.Contains(err.Error(), path) {
		t.Fatalf("OpenReader of a missing file = %v, want ErrNoDatabase naming %s", err, path)
	}
	if _, serr := os.Stat(path); !errors.Is(serr, os.ErrNotExist) {
		t.Errorf("a file was created at %s (%v)", path, serr)
	}
	if err := RequireFile(path); !errors.Is(err, ErrNoDatabase) {
		t.Errorf("RequireFile = %v", err)
	}
}

// A file of another schema version is refused, saying which binary to run.
func TestOpenReaderRefusesOtherSchema(t *testing.T) {
	ctx := context.Background()
	want, err := SchemaVersion()
	if err != nil || want < 2 {
		t.Fatalf("SchemaVersion = %d, %v", want, err)
	}
	for _, tc := range []struct {
		name, sql, msg string
	}{
		{"older", `DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`,
			"is older than this postdesk's"},
		{"newer", `INSERT INTO schema_migrations (version, name, applied_at) VALUES (99999, 'future.sql', 'x')`,
			"is newer than this postdesk's"},
		{"foreign", `DROP TABLE schema_migrations`, "not a postdesk database"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, path := openTest(t)
			s.Close()
			db, err := sql.Open("sqlite", "file:"+path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, tc.sql); err != nil {
				t.Fatal(err)
			}
			db.Close()
			before, _ := os.ReadFile(path)
			_, err = OpenReader(ctx, path, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("OpenReader = %v, want %q", err, tc.msg)
			}
			if after, _ := os.ReadFile(path); string(after) != string(before) {
				t.Errorf("OpenReader changed the file")
			}
		})
	}
}
