package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"modernc.org/sqlite"

	"postdesk/ticket"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func openTest(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "desk.db")
	s, err := Open(context.Background(), path, Options{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func newTicket(summary string) *ticket.Ticket {
	return &ticket.Ticket{Subject: summary, Summary: summary, Severity: 3, Priority: "normal",
		Status: ticket.StatusNew, Requester: "anna@client.example", Participants: []string{"bob@client.example"},
		Fields: map[string]string{"error": "E42"}, CreatedAt: t0, UpdatedAt: t0}
}

func TestOpenSetsPragmasAndRecordsMigrations(t *testing.T) {
	s, path := openTest(t)
	ctx := context.Background()
	for pragma, want := range map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1",
		"busy_timeout": "10000"} {
		var got string
		if err := s.w.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", pragma, err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %q, want %q", pragma, got, want)
		}
	}
	for pragma, want := range map[string]string{"busy_timeout": "10000", "query_only": "1", "foreign_keys": "1"} {
		var got string
		if err := s.r.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatalf("read pool PRAGMA %s: %v", pragma, err)
		}
		if got != want {
			t.Errorf("read pool PRAGMA %s = %q, want %q", pragma, got, want)
		}
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(ms) || n == 0 {
		t.Fatalf("schema_migrations has %d rows, want %d", n, len(ms))
	}
	// Reopening applies nothing twice.
	s.Close()
	s2, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s2.Close()
	if err := s2.r.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil || n != len(ms) {
		t.Fatalf("after reopen: %d rows, err %v", n, err)
	}
}

func TestReadPoolIsReadOnly(t *testing.T) {
	s, _ := openTest(t)
	if _, err := s.r.ExecContext(context.Background(), "INSERT INTO ref_sequences VALUES ('X', 1)"); err == nil {
		t.Fatal("insert through the read pool succeeded")
	}
}

func TestOpenRejectsBadOptions(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(context.Background(), filepath.Join(dir, "a.db?mode=ro"), Options{}); err == nil {
		t.Error("path with ? accepted")
	}
	if _, err := Open(context.Background(), filepath.Join(dir, "b.db"), Options{Synchronous: "OFF"}); err == nil {
		t.Error("synchronous OFF accepted")
	}
}

// Reference numbers are gap-free and unique under concurrent writers, and a
// write that fails after taking a number gives it back.
func TestReferenceNumbersGapFreeUnderConcurrency(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	const writers = 40
	var mu sync.Mutex
	var got []int64
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var tk *ticket.Ticket
			err := s.Write(ctx, func(tx *Tx) error {
				tk = newTicket(fmt.Sprintf("t%d", i))
				if err := tx.CreateTicket("TKT", tk); err != nil {
					return err
				}
				if i%4 == 0 {
					return errors.New("fail after taking a number")
				}
				return nil
			})
			if (err != nil) != (i%4 == 0) {
				t.Errorf("writer %d: err = %v", i, err)
				return
			}
			if err == nil {
				mu.Lock()
				got = append(got, tk.Number)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	slices.Sort(got)
	for i, n := range got {
		if n != int64(i+1) {
			t.Fatalf("numbers not gap-free: %v", got)
		}
	}
	list, err := s.ListTickets(ctx, TicketFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(got) || len(got) != writers-writers/4 {
		t.Fatalf("stored %d tickets, committed %d, want %d", len(list), len(got), writers-writers/4)
	}
}

// One failing or panicking write leaves the others' changes in place.
func TestWritesIsolateFailures(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	fns := map[string]func(*Tx) error{
		"ok-a":  func(tx *Tx) error { return tx.CreateTicket("TKT", newTicket("ok-a")) },
		"fails": func(tx *Tx) error { tx.CreateTicket("TKT", newTicket("fails")); return errors.New("boom") },
		"panic": func(tx *Tx) error { tx.CreateTicket("TKT", newTicket("panic")); panic("bad write") },
		"ok-b":  func(tx *Tx) error { return tx.CreateTicket("TKT", newTicket("ok-b")) },
	}
	var wg sync.WaitGroup
	results := sync.Map{}
	for name, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results.Store(name, s.Write(ctx, fn))
		}()
	}
	wg.Wait()
	for name := range fns {
		v, _ := results.Load(name)
		err, _ := v.(error)
		if wantErr := name == "fails" || name == "panic"; (err != nil) != wantErr {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if got := storedSummaries(t, s); !slices.Equal(got, []string{"ok-a", "ok-b"}) {
		t.Fatalf("stored %v, want ok-a, ok-b", got)
	}
}

// countCommits counts the transactions the writer's connection commits from
// now on, explicit or autocommit, with SQLite's commit hook.
func countCommits(t *testing.T, s *Store) *atomic.Int32 {
	t.Helper()
	var n atomic.Int32
	conn, err := s.w.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		h, ok := dc.(sqlite.HookRegisterer)
		if !ok {
			return fmt.Errorf("driver connection %T has no hooks", dc)
		}
		h.RegisterCommitHook(func() int32 { n.Add(1); return 0 })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return &n
}

// runBatch hands fns to the writer's group commit as one batch, as the
// writer does with the requests queued behind a busy one, and returns each
// request's answer.
func runBatch(s *Store, fns ...func(*Tx) error) []error {
	batch := make([]writeReq, len(fns))
	for i, fn := range fns {
		batch[i] = writeReq{fn: fn, done: make(chan error, 1)}
	}
	s.commit(batch)
	out := make([]error, len(batch))
	for i, r := range batch {
		out[i] = <-r.done
	}
	return out
}

func storedSummaries(t *testing.T, s *Store) []string {
	t.Helper()
	list, err := s.ListTickets(context.Background(), TicketFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, tk := range list {
		out = append(out, tk.Summary)
	}
	slices.Sort(out)
	return out
}

// A batch is committed together, in one transaction: no reader sees any of
// it before its end, the writer's connection commits once, and a failing
// or panicking request is rolled back alone.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	s, _ := openTest(t)
	commits := countCommits(t, s)
	create := func(summary string) func(*Tx) error {
		return func(tx *Tx) error { return tx.CreateTicket("TKT", newTicket(summary)) }
	}
	seenByReader := -1
	errs := runBatch(s,
		create("first"),
		create("ok-a"),
		func(tx *Tx) error { tx.CreateTicket("TKT", newTicket("fails")); return errors.New("boom") },
		func(tx *Tx) error { tx.CreateTicket("TKT", newTicket("panic")); panic("bad write") },
		func(tx *Tx) error {
			// The read pool sees only what is committed.
			list, err := s.ListTickets(context.Background(), TicketFilter{})
			seenByReader = len(list)
			if err != nil {
				return err
			}
			return tx.CreateTicket("TKT", newTicket("ok-b"))
		})
	for i, err := range errs {
		if wantErr := i == 2 || i == 3; (err != nil) != wantErr {
			t.Errorf("request %d: err = %v", i, err)
		}
	}
	if seenByReader != 0 {
		t.Errorf("a reader saw %d tickets before the batch ended: its requests were committed one by one", seenByReader)
	}
	if n := commits.Load(); n != 1 {
		t.Errorf("the batch took %d commits, want 1", n)
	}
	if got := storedSummaries(t, s); !slices.Equal(got, []string{"first", "ok-a", "ok-b"}) {
		t.Fatalf("stored %v, want first, ok-a, ok-b", got)
	}
}

// An error that makes SQLite roll back the whole transaction (here
// RAISE(ROLLBACK) in a trigger) undoes the batch's earlier requests too: none
// of the batch is committed, later requests do not run on their own outside
// the transaction, every request answers an error, and the writer goes on.
func TestGroupCommitLosingItsTransaction(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	err := s.Write(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(tx.ctx, `CREATE TRIGGER roll_back_all BEFORE INSERT ON tickets
			WHEN NEW.summary = 'rollback-all' BEGIN SELECT RAISE(ROLLBACK, 'whole transaction rolled back'); END`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	commits := countCommits(t, s)
	create := func(summary string) func(*Tx) error {
		return func(tx *Tx) error { return tx.CreateTicket("TKT", newTicket(summary)) }
	}
	errs := runBatch(s, create("ok-a"), create("rollback-all"), create("ok-b"), create("ok-c"))
	for i, err := range errs {
		if err == nil {
			t.Errorf("request %d was told it was committed", i)
		}
	}
	if got := storedSummaries(t, s); len(got) != 0 {
		t.Fatalf("stored %v after the transaction was lost, want nothing", got)
	}
	if n := commits.Load(); n != 0 {
		t.Errorf("%d commits after the transaction was lost, want none", n)
	}
	if err := s.Write(ctx, create("after")); err != nil {
		t.Fatalf("write after the lost batch: %v", err)
	}
	if got := storedSummaries(t, s); !slices.Equal(got, []string{"after"}) {
		t.Fatalf("stored %v, want after", got)
	}
}

// Writes begin with BEGIN IMMEDIATE (_txlock=immediate): the write lock is
// taken when the transaction starts, before it writes anything, so two
// writers never both read and then fail to upgrade.
func TestWritesBeginImmediate(t *testing.T) {
	s, path := openTest(t)
	ctx := context.Background()
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.Write(ctx, func(*Tx) error { close(started); <-release; return nil })
	}()
	<-started
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var n int
	if err := other.QueryRowContext(ctx, "SELECT count(*) FROM tickets").Scan(&n); err != nil {
		t.Errorf("read beside the open write: %v", err)
	}
	_, lockErr := other.ExecContext(ctx, "BEGIN IMMEDIATE")
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if lockErr == nil || !strings.Contains(lockErr.Error(), "locked") && !strings.Contains(lockErr.Error(), "busy") {
		t.Fatalf("another writer began while a write that had written nothing was open (err %v): "+
			"the writer's transactions are not BEGIN IMMEDIATE", lockErr)
	}
}

// A migration that fails leaves nothing behind: neither its half-done
// changes nor its record.
func TestFailingMigrationRollsBack(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	broken := migration{version: 9999, name: "9999_broken.sql",
		sql: "CREATE TABLE half_done (a INTEGER);\nINSERT INTO half_done VALUES (1);\nINSERT INTO no_such_table VALUES (1);"}
	if err := applyOne(ctx, s.w, broken, t0); err == nil || !strings.Contains(err.Error(), "9999_broken.sql") {
		t.Fatalf("broken migration: %v, want an error naming it", err)
	}
	var n int
	if err := s.w.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").Scan(&n); err != nil || n != 0 {
		t.Errorf("half-done migration left its table (%d, %v)", n, err)
	}
	if err := s.w.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations WHERE version = 9999").Scan(&n); err != nil || n != 0 {
		t.Errorf("failed migration recorded (%d, %v)", n, err)
	}
	if err := s.Write(ctx, func(tx *Tx) error { return tx.CreateTicket("TKT", newTicket("after")) }); err != nil {
		t.Fatalf("write after the failed migration: %v", err)
	}
}

func TestWriteAfterClose(t *testing.T) {
	s, _ := openTest(t)
	s.Close()
	if err := s.Write(context.Background(), func(*Tx) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Fatalf("Write after Close: %v, want ErrClosed", err)
	}
}

func TestTicketRoundTrip(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	tk := newTicket("labels not printing")
	msg := ticket.Message{Direction: ticket.In, MessageID: "m1@client.example", From: "anna@client.example",
		To: []string{"support@localhost"}, Subject: "labels", Text: "body", Problems: []string{"odd header"},
		CreatedAt: t0, Attachments: []ticket.Attachment{{Filename: "list.csv", ContentType: "text/csv", Size: 3,
			SHA256: "abc", Content: []byte("1,2")}}}
	err := s.Write(ctx, func(tx *Tx) error {
		if err := tx.CreateTicket("TKT", tk); err != nil {
			return err
		}
		if err := tx.AddMessage(tk.ID, 0, &msg); err != nil {
			return err
		}
		return tx.AddEvents(tk.ID, msg.ID, []ticket.Event{{At: t0, Actor: "anna@client.example",
			Type: ticket.EventCreated, To: ticket.StatusNew, Reason: "new mail"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Ticket(ctx, "TKT", 1)
	if err != nil {
		t.Fatal(err)
	}
	if got.Ref != "TKT-1" || got.Fields["error"] != "E42" || !slices.Equal(got.Participants, []string{"bob@client.example"}) ||
		!got.CreatedAt.Equal(t0) {
		t.Errorf("ticket = %+v", got)
	}
	if len(got.Messages) != 1 || got.Messages[0].Cc == nil || len(got.Messages[0].Attachments) != 1 ||
		got.Messages[0].Attachments[0].Filename != "list.csv" || got.Messages[0].Problems[0] != "odd header" {
		t.Errorf("messages = %+v", got.Messages)
	}
	if len(got.Events) != 1 || got.Events[0].Type != ticket.EventCreated {
		t.Errorf("events = %+v", got.Events)
	}
	if _, err := s.Ticket(ctx, "TKT", 2); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing ticket: %v, want ErrNotFound", err)
	}
	if l, _ := s.ListTickets(ctx, TicketFilter{Status: ticket.StatusClosed}); len(l) != 0 {
		t.Errorf("closed filter returned %d tickets", len(l))
	}
}

func TestRawDedupeAndFailedUpsert(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	r := RawMessage{ReceivedAt: t0, MailFrom: "a@x", RcptTo: []string{"support@localhost"}, MessageID: "m@x",
		DedupeKey: "msgid:a@x m@x", SHA256: "00", Raw: []byte("raw bytes")}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Write(ctx, func(tx *Tx) error { return tx.RecordFailedRaw(r, "first failure") }))
	must(s.Write(ctx, func(tx *Tx) error { return tx.RecordFailedRaw(r, "second failure") }))
	failed, err := s.RawMessages(ctx, RawFailed)
	must(err)
	if len(failed) != 1 || failed[0].Error != "second failure" || string(failed[0].Raw) != "raw bytes" {
		t.Fatalf("failed raws = %+v", failed)
	}
	// A second insert under the same key is refused by the schema.
	must(s.Write(ctx, func(tx *Tx) error {
		got, found, err := tx.RawByDedupeKey(r.DedupeKey)
		if err != nil || !found || got.State != RawFailed {
			return fmt.Errorf("lookup = %+v %v %v", got, found, err)
		}
		return nil
	}))
	if err := s.Write(ctx, func(tx *Tx) error { _, err := tx.InsertRaw(r); return err }); err == nil {
		t.Fatal("second raw with the same dedupe key was stored")
	}
}

func TestSettingIsMadeOnceAndKept(t *testing.T) {
	s, path := openTest(t)
	ctx := context.Background()
	calls := 0
	create := func() ([]byte, error) { calls++; return []byte(fmt.Sprintf("secret-%d", calls)), nil }
	first, err := s.Setting(ctx, "reply_secret", create)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	again, err := s2.Setting(ctx, "reply_secret", create)
	if err != nil || string(again) != string(first) || calls != 1 {
		t.Fatalf("after a restart: %q (first %q), made %d times, err %v", again, first, calls, err)
	}
	if _, err := s2.Setting(ctx, "other", func() ([]byte, error) { return nil, errors.New("no randomness") }); err == nil {
		t.Fatal("a failing create was stored")
	}
}
