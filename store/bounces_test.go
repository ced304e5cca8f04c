package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestMarkBounced(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	id := queueOne(t, s)
	sentAt := t0.Add(time.Minute)
	if err := s.Write(ctx, func(tx *Tx) error {
		if ok, err := tx.MarkSent(id, sentAt); err != nil || !ok {
			return fmt.Errorf("mark sent: %v %w", ok, err)
		}
		return tx.RecordAttempt(id, sentAt, AttemptSent, "")
	}); err != nil {
		t.Fatal(err)
	}
	// The bounce comes after the relay took the mail: the sent row fails.
	reason := "bounced: 5.1.1 userunknown (hard)"
	at := sentAt.Add(time.Hour)
	if err := s.Write(ctx, func(tx *Tx) error { return tx.MarkBounced(id, reason, at) }); err != nil {
		t.Fatalf("MarkBounced: %v", err)
	}
	all, err := s.Outbox(ctx)
	if err != nil || len(all) != 1 {
		t.Fatalf("outbox = %+v, %v", all, err)
	}
	if o := all[0]; o.State != OutboxFailed || o.LastError != reason || o.Attempts != 1 || !o.SentAt.Equal(sentAt) {
		t.Errorf("bounced row = state %s, last error %q, attempts %d, sent %v", o.State, o.LastError, o.Attempts, o.SentAt)
	}
	attempts, err := s.Attempts(ctx, id)
	if err != nil || len(attempts) != 2 {
		t.Fatalf("attempts = %+v, %v", attempts, err)
	}
	if a := attempts[1]; a.Outcome != AttemptFailed || a.Detail != reason || !a.At.Equal(at) {
		t.Errorf("bounce attempt = %+v", a)
	}
	// A failed row can be sent again by the operator.
	if err := s.Write(ctx, func(tx *Tx) error { return tx.Requeue(id, at, "operator") }); err != nil {
		t.Errorf("requeue after a bounce: %v", err)
	}
	err = s.Write(ctx, func(tx *Tx) error { return tx.Requeue(id+100, at, "operator") })
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("Requeue of a missing row = %v, want ErrNotFound", err)
	}
	err = s.Write(ctx, func(tx *Tx) error { return tx.MarkBounced(id+100, reason, at) })
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("MarkBounced of a missing row = %v, want ErrNotFound", err)
	}
}

func TestRecordHardBounce(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	const week = 7 * 24 * time.Hour
	bounce := func(addr string, at time.Time, after int) time.Time {
		t.Helper()
		var until time.Time
		if err := s.Write(ctx, func(tx *Tx) error {
			var err error
			until, err = tx.RecordHardBounce(addr, "5.1.1 userunknown", at, after, week)
			return err
		}); err != nil {
			t.Fatalf("RecordHardBounce: %v", err)
		}
		return until
	}
	suppressed := func(addr string, at time.Time) (time.Time, bool) {
		t.Helper()
		var until time.Time
		var ok bool
		if err := s.Write(ctx, func(tx *Tx) error {
			var err error
			var reason string
			until, reason, ok, err = tx.Suppressed(addr, at)
			if ok && reason != "5.1.1 userunknown" {
				t.Errorf("reason %q", reason)
			}
			return err
		}); err != nil {
			t.Fatalf("Suppressed: %v", err)
		}
		return until, ok
	}

	// Two bounces, then the first falls out of the window: the count
	// starts again, and two more do not suspend.
	if u := bounce("Anna@Client.example", t0, 3); !u.IsZero() {
		t.Fatalf("first bounce suspended until %v", u)
	}
	bounce("anna@client.example", t0.Add(24*time.Hour), 3)
	bounce("anna@client.example", t0.Add(week+time.Hour), 3)
	if u := bounce("anna@client.example", t0.Add(week+2*time.Hour), 3); !u.IsZero() {
		t.Fatalf("bounce after the window reset suspended until %v", u)
	}
	if _, ok := suppressed("anna@client.example", t0.Add(week+2*time.Hour)); ok {
		t.Fatal("suspended below the limit")
	}
	// The third within the window suspends for the window.
	third := t0.Add(week + 3*time.Hour)
	u := bounce("anna@client.example", third, 3)
	if !u.Equal(third.Add(week)) {
		t.Fatalf("third bounce: until %v, want %v", u, third.Add(week))
	}
	if until, ok := suppressed("ANNA@client.example ", third.Add(time.Hour)); !ok || !until.Equal(u) {
		t.Fatalf("Suppressed = %v %v, want until %v", until, ok, u)
	}
	if _, ok := suppressed("anna@client.example", u); ok {
		t.Fatal("still suspended when the suspension ends")
	}
	if _, ok := suppressed("bob@client.example", third); ok {
		t.Fatal("an address without bounces is suspended")
	}
	// A further bounce while suspended pushes the end out.
	if u2 := bounce("anna@client.example", third.Add(time.Hour), 3); !u2.Equal(third.Add(time.Hour + week)) {
		t.Errorf("fourth bounce: until %v", u2)
	}
	// suspend_after 0 counts but never suspends.
	for i := range 5 {
		if u := bounce("carl@client.example", t0.Add(time.Duration(i)*time.Minute), 0); !u.IsZero() {
			t.Fatalf("after=0 suspended until %v", u)
		}
	}
	list, err := s.Suppressions(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("Suppressions = %+v, %v", list, err)
	}
	if a := list[0]; a.Address != "anna@client.example" || a.HardBounces != 4 || !a.FirstAt.Equal(t0.Add(week+time.Hour)) ||
		!a.Until.Equal(third.Add(time.Hour+week)) {
		t.Errorf("anna = %+v", a)
	}
	if c := list[1]; c.Address != "carl@client.example" || c.HardBounces != 5 || !c.Until.IsZero() {
		t.Errorf("carl = %+v", c)
	}
}
