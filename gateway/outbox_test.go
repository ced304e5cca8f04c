package gateway

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"postdesk/store"
)

// openTickets sends n new mails from n customers to addr.
func openTickets(t *testing.T, addr string, n int) {
	t.Helper()
	for i := range n {
		from := fmt.Sprintf("c%d@client.example", i)
		raw := fmt.Sprintf("From: %s\nTo: support@desk.example\nSubject: issue %d\nMessage-ID: <n%d@client.example>\n\ntext\n", from, i, i)
		if _, err := send(t, addr, from, []string{"support@desk.example"}, crlf(raw)); err != nil {
			t.Fatal(err)
		}
	}
}

// A relay that is down delays mail and loses none: the daemon stops with
// mail mid-queue, starts again when the relay is back, and every mail
// arrives exactly once, with each attempt on record.
func TestRelayDownAcrossRestart(t *testing.T) {
	ctx := context.Background()
	down := listen(t)
	relayAddr := down.Addr().String()
	down.Close() // nothing listens there: connections are refused

	cfg := testConfig(t)
	clock := &fakeClock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	first := startWithRelay(t, cfg, listen(t), relayAddr, clock)
	openTickets(t, first.Addr(), 3)
	waitFor(t, func() bool {
		rows, _ := first.Store.Outbox(ctx)
		for _, o := range rows {
			if o.Attempts == 0 {
				return false
			}
		}
		return len(rows) == 3
	})
	if err := first.Close(ctx); err != nil {
		t.Fatal(err)
	}

	ln, err := net.Listen("tcp", relayAddr)
	if err != nil {
		t.Skipf("the relay's port was taken meanwhile: %v", err)
	}
	r := startRelayOn(t, ln)
	clock.Advance(cfg.Outbox.RetryMax) // past any jittered backoff
	second := startWithRelay(t, cfg, listen(t), relayAddr, clock)
	rows := waitOutbox(t, second.Store, 3)
	seen := map[string]bool{}
	for range 3 {
		id := header(t, r.wait(t).Data).Get("Message-Id")
		if seen[id] {
			t.Fatalf("%s arrived twice", id)
		}
		seen[id] = true
	}
	for _, o := range rows {
		if o.State != store.OutboxSent || o.Attempts != 2 || !seen["<"+o.MessageID+">"] {
			t.Errorf("outbox %d: %s after %d attempts", o.ID, o.State, o.Attempts)
		}
		attempts, err := second.Store.Attempts(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(attempts) != 2 || attempts[0].Outcome != store.AttemptRetry || !strings.Contains(attempts[0].Detail, "connect") ||
			attempts[1].Outcome != store.AttemptSent {
			t.Errorf("outbox %d attempts: %+v", o.ID, attempts)
		}
	}
	if n, err := second.outbox.RunOnce(ctx); err != nil || n != 0 {
		t.Fatalf("a sent mail was tried again: %d, %v", n, err)
	}
	select {
	case extra := <-r.mails:
		t.Fatalf("mail delivered twice: %s", extra.Data)
	default:
	}
}

// A 5xx marks a mail failed at once; the operator sees why, and `outbox
// retry` sends it again once the cause is mended.
func TestPermanentFailureAndRetry(t *testing.T) {
	ctx := context.Background()
	d := startDesk(t, testConfig(t), true)
	d.relay.mu.Lock()
	d.relay.refuse["c0@client.example"] = true
	d.relay.mu.Unlock()
	openTickets(t, d.Addr(), 1)
	rows := waitOutbox(t, d.Store, 1)
	if rows[0].State != store.OutboxFailed || !strings.Contains(rows[0].LastError, "550") {
		t.Fatalf("after a 550: %+v", rows[0])
	}
	var list bytes.Buffer
	if err := WriteOutbox(ctx, &list, d.Store, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(list.String(), "failed") || !strings.Contains(list.String(), "550") ||
		!strings.Contains(list.String(), "c0@client.example") {
		t.Errorf("postdesk outbox:\n%s", list.String())
	}

	id := fmt.Sprint(rows[0].ID)
	var out bytes.Buffer
	if err := RetryOutbox(ctx, &out, d.Store, testDeps(d.clock, d.dns), "999", "ops"); err == nil ||
		!strings.Contains(err.Error(), "no such mail (postdesk outbox lists them)") {
		t.Errorf("retry of a missing mail: %v", err)
	}
	d.relay.mu.Lock()
	delete(d.relay.refuse, "c0@client.example")
	d.relay.mu.Unlock()
	if err := RetryOutbox(ctx, &out, d.Store, testDeps(d.clock, d.dns), id, "ops"); err != nil {
		t.Fatal(err)
	}
	if err := RetryOutbox(ctx, &out, d.Store, testDeps(d.clock, d.dns), id, "ops"); err == nil ||
		!strings.Contains(err.Error(), "only a failed mail") {
		t.Errorf("a second retry of a pending mail: %v", err)
	}
	d.outbox.Kick()
	if m := d.relay.wait(t); m.To[0] != "c0@client.example" {
		t.Fatalf("relayed to %v", m.To)
	}
	rows = waitOutbox(t, d.Store, 1)
	if rows[0].State != store.OutboxSent || rows[0].Attempts != 2 {
		t.Fatalf("after the retry: %+v", rows[0])
	}
	var show bytes.Buffer
	if err := WriteOutboxMail(ctx, &show, d.Store, id); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"failed", "requeued  by ops", "sent"} {
		if !strings.Contains(show.String(), want) {
			t.Errorf("postdesk outbox show lacks %q:\n%s", want, show.String())
		}
	}
}

// A worker stopped while the relay holds a mail in DATA finishes that mail,
// records it, and leaves the rest of the batch untried: nothing the relay
// took is sent again, nothing is lost.
func TestWorkerStoppedMidBatch(t *testing.T) {
	ctx := context.Background()
	d := startDesk(t, testConfig(t), false) // the daemon's own worker does not run
	openTickets(t, d.Addr(), 3)
	r := startRelay(t)
	r.blockAt, r.blocked, r.release = 2, make(chan struct{}), make(chan struct{})
	cfg := d.cfg
	host, port, _ := net.SplitHostPort(r.addr)
	cfg.Relay.Host = host
	fmt.Sscan(port, &cfg.Relay.Port)
	secret, err := ReplySecret(ctx, d.Store, cfg, testDeps(d.clock, d.dns))
	if err != nil {
		t.Fatal(err)
	}
	w := NewOutboxWorker(d.Store, NewRelaySender(cfg, secret), cfg.Outbox, testDeps(d.clock, d.dns))

	runCtx, stop := context.WithCancel(ctx)
	done := make(chan int)
	go func() {
		n, _ := w.RunOnce(runCtx)
		done <- n
	}()
	r.wait(t)   // the first mail
	<-r.blocked // the second is in DATA
	stop()
	close(r.release)
	if n := <-done; n != 2 {
		t.Fatalf("the stopped worker tried %d mails, want 2", n)
	}
	r.wait(t)
	rows := d.outboxRows(t)
	if rows[0].State != store.OutboxSent || rows[1].State != store.OutboxSent || rows[2].State != store.OutboxPending ||
		rows[2].Attempts != 0 {
		t.Fatalf("after the stop: %s, %s, %s (%d attempts)", rows[0].State, rows[1].State, rows[2].State, rows[2].Attempts)
	}

	// The next start sends the third, and only the third.
	if n, err := w.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("after the restart: %d tried, %v", n, err)
	}
	if got := r.wait(t).To[0]; got != rows[2].RcptTo {
		t.Fatalf("the restart sent to %s, want %s", got, rows[2].RcptTo)
	}
	select {
	case extra := <-r.mails:
		t.Fatalf("mail delivered twice: %s", extra.Data)
	default:
	}
}
