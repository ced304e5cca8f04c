package gateway

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
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
	d := startDaemon(t, cfg, deps)
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

// The JSON that `show --json` and `tickets --json` print (WriteTicket,
// WriteTickets) keeps the contract: the keys of tickets, of inbound and
// outbound messages and of attachments, and every timestamp in RFC 3339 UTC
// at whole seconds.
func TestJSONContractOfShowAndTickets(t *testing.T) {
	d := startDesk(t, testConfig(t), false)
	ctx := context.Background()
	raw := crlf("From: Anna <anna@client.example>\nTo: support@desk.example\nSubject: Severity 2 - Acme - labels not printing\n" +
		"Message-ID: <j1@client.example>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n" +
		"--b\nContent-Type: text/plain\n\nSee the list.\n" +
		"--b\nContent-Type: text/csv; name=consignments.csv\nContent-Disposition: attachment; filename=consignments.csv\n\n" +
		"OP123\nOP124\n--b--\n")
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, raw); err != nil {
		t.Fatal(err)
	}
	d.clock.Advance(90 * time.Minute) // a later time for the answer, so updated_at moves
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"},
		crlf("From: anna@client.example\nTo: support@desk.example\nSubject: Re: [TKT-1] labels\nMessage-ID: <j2@client.example>\n\nStill broken.\n")); err != nil {
		t.Fatal(err)
	}
	deps := testDeps(d.clock, d.dns)

	var out bytes.Buffer
	if err := WriteTicket(ctx, &out, d.Store, d.cfg, deps, "TKT-1", true); err != nil {
		t.Fatal(err)
	}
	var tk map[string]any
	if err := json.Unmarshal(out.Bytes(), &tk); err != nil {
		t.Fatalf("show --json: %v\n%s", err, out.String())
	}
	ticketKeys := []string{"ref", "subject", "summary", "client", "severity", "priority", "status", "requester",
		"participants", "fields", "created_at", "updated_at"}
	messageKeys := []string{"direction", "message_id", "from", "to", "cc", "subject", "text", "attachments", "created_at"}
	requireJSONKeys(t, "show", tk, append(ticketKeys, "messages", "events")...)
	msgs, _ := tk["messages"].([]any)
	dirs := map[string]int{}
	for i, m := range msgs {
		msg, _ := m.(map[string]any)
		requireJSONKeys(t, fmt.Sprintf("message %d", i), msg, messageKeys...)
		dir, _ := msg["direction"].(string)
		dirs[dir]++
		if dir == "in" && msg["message_id"] == "j1@client.example" {
			atts, _ := msg["attachments"].([]any)
			if len(atts) != 1 {
				t.Fatalf("attachments = %v", msg["attachments"])
			}
			att, _ := atts[0].(map[string]any)
			requireJSONKeys(t, "attachment", att, "filename", "content_type", "size", "sha256")
		}
	}
	if dirs["in"] != 2 || dirs["out"] < 1 {
		t.Fatalf("messages by direction %v, want the two mails in and the acknowledgement out", dirs)
	}
	stamps := map[string]string{}
	collectTimestamps("", tk, stamps)
	for _, want := range []string{"created_at", "updated_at", "messages[0].created_at", "messages[1].created_at",
		"messages[2].created_at", "events[0].at"} {
		if _, ok := stamps[want]; !ok {
			t.Errorf("show --json has no timestamp %s (has %v)", want, stamps)
		}
	}
	if stamps["created_at"] == stamps["updated_at"] {
		t.Errorf("updated_at %s did not move with the answer", stamps["updated_at"])
	}

	out.Reset()
	if err := WriteTickets(ctx, &out, d.Store, d.cfg, deps, TicketQuery{JSON: true}); err != nil {
		t.Fatal(err)
	}
	var list []map[string]any
	if err := json.Unmarshal(out.Bytes(), &list); err != nil || len(list) != 1 {
		t.Fatalf("tickets --json: %d tickets, %v\n%s", len(list), err, out.String())
	}
	requireJSONKeys(t, "tickets", list[0], ticketKeys...)
	n := len(stamps)
	collectTimestamps("tickets", list[0], stamps)
	if len(stamps) < n+2 {
		t.Errorf("tickets --json: timestamps %v", stamps)
	}
	for path, v := range stamps {
		at, err := time.Parse(time.RFC3339, v)
		if err != nil || !strings.HasSuffix(v, "Z") || at.Format(time.RFC3339) != v {
			t.Errorf("%s = %q is not RFC 3339 UTC (%v)", path, v, err)
		}
	}
}

// collectTimestamps records every string under a key named "at" or ending
// in "_at", by its path.
func collectTimestamps(path string, v any, into map[string]string) {
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && (k == "at" || strings.HasSuffix(k, "_at")) {
				into[join(k)] = s
				continue
			}
			collectTimestamps(join(k), x, into)
		}
	case []any:
		for i, x := range v {
			collectTimestamps(fmt.Sprintf("%s[%d]", path, i), x, into)
		}
	}
}

func requireJSONKeys(t *testing.T, what string, obj map[string]any, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, ok := obj[k]; !ok {
			t.Errorf("%s: key %q missing (has %v)", what, k, slices.Sorted(maps.Keys(obj)))
		}
	}
}

// panicReader panics on Read once armed: randomness failing inside the
// ticket's write (the acknowledgement's Message-ID is drawn there).
type panicReader struct {
	armed *sync.Mutex
	on    *bool
	r     io.Reader
}

func (p panicReader) Read(b []byte) (int, error) {
	p.armed.Lock()
	on := *p.on
	p.armed.Unlock()
	if on {
		panic("entropy bug")
	}
	return p.r.Read(b)
}

// A panic inside the store transaction (the ticket rules, notices) is the
// same failure as one before it: 451, the mail kept as failed, nothing
// half-written, and the stack in the log.
func TestPanicInsideTheWriteAnswers451WithItsStack(t *testing.T) {
	cfg := testConfig(t)
	logs := &syncWriter{w: &bytes.Buffer{}}
	clock := &fakeClock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	deps := testDeps(clock, &fakeDNS{})
	deps.Log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var mu sync.Mutex
	on := false
	deps.Rand = panicReader{armed: &mu, on: &on, r: deps.Rand}
	d := startDaemon(t, cfg, deps)
	mu.Lock()
	on = true
	mu.Unlock()
	_, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(firstMail))
	if smtpCode(err) != "451 4.3.0" || strings.Contains(err.Error(), "entropy") || strings.Contains(err.Error(), "panic") {
		t.Fatalf("panic inside the write answered %v, want 451 4.3.0 without internals", err)
	}
	ctx := context.Background()
	if list, err := d.Store.ListTickets(ctx, store.TicketFilter{}); err != nil || len(list) != 0 {
		t.Fatalf("half-written: %d tickets (%v)", len(list), err)
	}
	failed, _ := d.Store.RawMessages(ctx, store.RawFailed)
	if len(failed) != 1 || !strings.Contains(failed[0].Error, "entropy bug") {
		t.Fatalf("not kept as failed: %+v", failed)
	}
	if l := logs.String(); !strings.Contains(l, "pipeline panicked") || !strings.Contains(l, "NewMessageID") {
		t.Fatalf("panic not logged with its stack:\n%s", l)
	}
}
