package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"postdesk/ticket"
)

// queueOne stores a ticket with one outbound message and queues it.
func queueOne(t *testing.T, s *Store) int64 {
	t.Helper()
	var id int64
	err := s.Write(context.Background(), func(tx *Tx) error {
		tk := newTicket("printer")
		if err := tx.CreateTicket("TKT", tk); err != nil {
			return err
		}
		m := ticket.Message{Direction: ticket.Out, MessageID: "TKT-1.a.b@localhost", From: "support@localhost",
			To: []string{"anna@client.example"}, Subject: "[TKT-1] printer", Text: "hello", CreatedAt: t0}
		if err := tx.AddMessage(tk.ID, 0, &m); err != nil {
			return err
		}
		var err error
		id, err = tx.QueueMail(OutboxMail{TicketID: tk.ID, MessageRow: m.ID, Kind: "ack",
			EnvelopeFrom: "support@localhost", RcptTo: "anna@client.example", ReplyTo: "support@localhost",
			InReplyTo: "m1@client.example", References: []string{"TKT-1@localhost", "m1@client.example"},
			AutoSubmitted: "auto-replied", CreatedAt: t0})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestOutboxLifecycle(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	id := queueOne(t, s)

	if due, ok, err := s.NextOutboxDue(ctx); err != nil || !ok || !due.Equal(t0) {
		t.Fatalf("NextOutboxDue = %v %v %v, want %v", due, ok, err, t0)
	}
	if early, _ := s.DueOutbox(ctx, t0.Add(-time.Second), 10); len(early) != 0 {
		t.Fatalf("mail due before its time: %+v", early)
	}
	due, err := s.DueOutbox(ctx, t0, 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("DueOutbox = %v, %v", due, err)
	}
	m := due[0]
	if m.ID != id || m.Ref != "TKT-1" || m.Subject != "[TKT-1] printer" || m.MessageID != "TKT-1.a.b@localhost" ||
		len(m.References) != 2 || m.AutoSubmitted != "auto-replied" || m.From != "support@localhost" {
		t.Fatalf("outbox mail = %+v", m)
	}

	// A temporary failure moves it later; it is not due before then.
	retry := t0.Add(time.Minute)
	if err := s.Write(ctx, func(tx *Tx) error { return tx.MarkAttemptFailed(id, "451 try later", retry) }); err != nil {
		t.Fatal(err)
	}
	if now, _ := s.DueOutbox(ctx, t0, 10); len(now) != 0 {
		t.Fatalf("retried mail due at once: %+v", now)
	}
	later, _ := s.DueOutbox(ctx, retry, 10)
	if len(later) != 1 || later[0].Attempts != 1 || later[0].LastError != "451 try later" {
		t.Fatalf("after retry: %+v", later)
	}

	sentAt := retry.Add(time.Second)
	if err := s.Write(ctx, func(tx *Tx) error {
		if ok, err := tx.MarkSent(id, sentAt); err != nil || !ok {
			return fmt.Errorf("mark sent: %v %w", ok, err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if pending, _ := s.Outbox(ctx, OutboxPending, OutboxFailed); len(pending) != 0 {
		t.Fatalf("sent mail still listed as pending: %+v", pending)
	}
	all, _ := s.Outbox(ctx)
	if len(all) != 1 || all[0].State != OutboxSent || all[0].Attempts != 2 || !all[0].SentAt.Equal(sentAt) {
		t.Fatalf("sent row = %+v", all)
	}
	if _, ok, _ := s.NextOutboxDue(ctx); ok {
		t.Fatal("nothing is pending, yet NextOutboxDue found something")
	}
	// A sent mail is never marked again.
	if err := s.Write(ctx, func(tx *Tx) error { return tx.MarkAttemptFailed(id, "late", time.Time{}) }); err != nil {
		t.Fatal(err)
	}
	if all, _ := s.Outbox(ctx); all[0].State != OutboxSent {
		t.Fatalf("sent mail changed to %s", all[0].State)
	}
}

func TestOutboxPermanentFailure(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	id := queueOne(t, s)
	if err := s.Write(ctx, func(tx *Tx) error { return tx.MarkAttemptFailed(id, "550 no such user", time.Time{}) }); err != nil {
		t.Fatal(err)
	}
	failed, err := s.Outbox(ctx, OutboxFailed)
	if err != nil || len(failed) != 1 || failed[0].LastError != "550 no such user" {
		t.Fatalf("failed = %+v, %v", failed, err)
	}
	if due, _ := s.DueOutbox(ctx, t0.Add(time.Hour), 10); len(due) != 0 {
		t.Fatalf("failed mail is due again: %+v", due)
	}
}
