package gateway

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"postdesk/store"
)

// execSQL changes the test database behind the daemon's back, to make the
// pipeline fail the way a broken disk or a bug would.
func execSQL(t *testing.T, path, stmt string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

// A failure inside the pipeline answers 451 with a sentence and no internal
// detail, keeps the mail as failed, and the sender's retry is processed.
func TestStoreFailureAnswers451AndKeepsMail(t *testing.T) {
	d := startDesk(t, testConfig(t), false)
	ctx := context.Background()
	execSQL(t, d.cfg.Database.Path, `CREATE TRIGGER fail_tickets BEFORE INSERT ON tickets
		BEGIN SELECT RAISE(ABORT, 'injected disk trouble'); END`)

	_, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(firstMail))
	if smtpCode(err) != "451 4.3.0" {
		t.Fatalf("pipeline failure answered %v, want 451 4.3.0", err)
	}
	for _, leak := range []string{"injected", "sqlite", "tickets", "insert"} {
		if strings.Contains(strings.ToLower(err.Error()), leak) {
			t.Errorf("451 text leaks internals (%q): %v", leak, err)
		}
	}
	failed, _ := d.Store.RawMessages(ctx, store.RawFailed)
	if len(failed) != 1 || !strings.Contains(failed[0].Error, "injected disk trouble") {
		t.Fatalf("failed mail not kept with its error: %+v", failed)
	}
	if list, _ := d.Store.ListTickets(ctx, store.TicketFilter{}); len(list) != 0 {
		t.Fatalf("half-written ticket after failure: %+v", list)
	}

	execSQL(t, d.cfg.Database.Path, `DROP TRIGGER fail_tickets`)
	text, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(firstMail))
	if err != nil || !strings.Contains(text, "TKT-1") {
		t.Fatalf("retry after repair: %q, %v", text, err)
	}
	raws, _ := d.Store.RawMessages(ctx, "")
	if len(raws) != 1 || raws[0].State != store.RawProcessed || raws[0].Ref != "TKT-1" {
		t.Fatalf("retry did not reuse the failed row: %+v", raws)
	}
}

// Concurrent SMTP sessions get consecutive reference numbers, none lost.
func TestConcurrentSessionsGapFree(t *testing.T) {
	d := startDesk(t, testConfig(t), false)
	const n = 16
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			raw := fmt.Sprintf("From: user%d@client.example\nTo: support@desk.example\nSubject: issue %d\n"+
				"Message-ID: <c%d@client.example>\n\nbody %d\n", i, i, i, i)
			if _, err := send(t, d.Addr(), "x@client.example", []string{"support@desk.example"}, crlf(raw)); err != nil {
				t.Errorf("session %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	list, err := d.Store.ListTickets(context.Background(), store.TicketFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, tk := range list {
		refs = append(refs, tk.Ref)
	}
	for i := 1; i <= n; i++ {
		if !slices.Contains(refs, "TKT-"+strconv.Itoa(i)) {
			t.Fatalf("refs %v miss TKT-%d", refs, i)
		}
	}
	if len(refs) != n {
		t.Fatalf("%d tickets, want %d", len(refs), n)
	}
}

// Mail queued while no relay is set survives a restart; a relay that answers
// 4xx first gets it again after the backoff, and it arrives exactly once.
func TestOutboxSurvivesRestartAndRetries(t *testing.T) {
	cfg := testConfig(t)
	first := startDesk(t, cfg, false)
	if _, err := send(t, first.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(firstMail)); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(context.Background()); err != nil {
		t.Fatal(err)
	}

	r := startRelay(t)
	r.failFirst = 1
	host, port, _ := net.SplitHostPort(r.addr)
	cfg.Relay.Host = host
	cfg.Relay.Port, _ = strconv.Atoi(port)
	clock := &fakeClock{t: first.clock.Now()}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	second, err := Start(context.Background(), cfg, testDeps(clock, &fakeDNS{}), ln)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close(context.Background())
	ctx := context.Background()

	// The first attempt meets the 451 and is rescheduled.
	var row store.OutboxMail
	waitFor(t, func() bool {
		out, _ := second.Store.Outbox(ctx)
		row = out[0]
		return row.Attempts == 1
	})
	if row.State != store.OutboxPending || !strings.Contains(row.LastError, "451") {
		t.Fatalf("after the 451: %+v", row)
	}
	clock.Advance(cfg.Outbox.RetryMax) // past any jittered backoff
	second.outbox.Kick()
	got := r.wait(t)
	if !slices.Equal(got.To, []string{"anna@client.example"}) {
		t.Fatalf("relayed to %v", got.To)
	}
	waitFor(t, func() bool {
		out, _ := second.Store.Outbox(ctx)
		row = out[0]
		return row.State == store.OutboxSent
	})
	if row.Attempts != 2 {
		t.Fatalf("attempts = %d, want 2", row.Attempts)
	}
	second.outbox.Kick()
	if n, err := second.outbox.RunOnce(ctx); err != nil || n != 0 {
		t.Fatalf("a sent mail was tried again: %d, %v", n, err)
	}
	select {
	case extra := <-r.mails:
		t.Fatalf("mail delivered twice: %s", extra.Data)
	default:
	}
}

// waitFor polls cond until it holds, for at most 10 seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A panic in the pipeline before the store write (here in the DNS look-up
// of a DKIM-signed mail with commands) answers 451 4.3.0 with the desk's
// sentence, keeps the mail as failed byte for byte, logs the stack, and the
// server goes on taking mail on the same connection.
func TestPipelinePanicAnswers451AndKeepsMail(t *testing.T) {
	cfg := testConfig(t)
	logs := &syncWriter{w: &bytes.Buffer{}}
	clock := &fakeClock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	deps := testDeps(clock, &fakeDNS{})
	deps.Log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	deps.LookupTXT = func(context.Context, string) ([]string, error) { panic("resolver bug") }
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Start(context.Background(), cfg, deps, ln)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close(context.Background()) })
	ctx := context.Background()

	signed, _, _ := signDKIM(t, crlf("From: anna@client.example\nTo: support@desk.example\nSubject: please close\n"+
		"Message-ID: <p1@client.example>\nDate: Mon, 23 Nov 2026 08:55:00 +0000\n\n#status resolved\n\nThanks.\n"),
		"client.example", "sel")
	c, err := smtp.Dial(d.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("client.test"); err != nil {
		t.Fatal(err)
	}
	_, err = transactKeep(c, "anna@client.example", []string{"support@desk.example"}, signed)
	if smtpCode(err) != "451 4.3.0" || !strings.Contains(err.Error(), "could not be stored just now") {
		t.Fatalf("panicking pipeline answered %v, want 451 4.3.0 with the desk's sentence", err)
	}
	if strings.Contains(err.Error(), "resolver") || strings.Contains(err.Error(), "panic") {
		t.Errorf("451 text leaks internals: %v", err)
	}
	failed, _ := d.Store.RawMessages(ctx, store.RawFailed)
	if len(failed) != 1 || !bytes.Equal(failed[0].Raw, signed) || !strings.Contains(failed[0].Error, "resolver bug") {
		t.Fatalf("mail not kept as failed byte for byte with the panic: %+v", failed)
	}
	if l := logs.String(); !strings.Contains(l, "pipeline panicked") || !strings.Contains(l, "senderProof") {
		t.Fatalf("panic not logged with its stack:\n%s", l)
	}
	// The connection survived (go-smtp's own recover would answer 421 and
	// close it): the next mail on it is taken.
	text, err := transactKeep(c, "anna@client.example", []string{"support@desk.example"}, crlf(firstMail))
	if err != nil || !strings.Contains(text, "TKT-1") {
		t.Fatalf("next mail on the same connection: %q, %v", text, err)
	}
}

// transactKeep is transact without the QUIT: one mail on an open session.
func transactKeep(c *smtp.Client, from string, to []string, raw []byte) (string, error) {
	if err := c.Mail(from, nil); err != nil {
		return "", err
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt, nil); err != nil {
			return "", err
		}
	}
	w, err := c.Data()
	if err != nil {
		return "", err
	}
	if _, err := w.Write(raw); err != nil {
		return "", err
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		return "", err
	}
	return resp.StatusText, nil
}
