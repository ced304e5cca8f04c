package store

import (
	"context"
	"errors"
	"testing"

	"postdesk/ticket"
)

func TestSetPasswordAndPasswordHash(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	err := s.Write(ctx, func(tx *Tx) error {
		return tx.SetPassword("nobody@desk.example", "pbkdf2-sha256$1000$c2FsdA$a2V5", t0)
	})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("SetPassword of an unknown user: %v, want ErrNotFound", err)
	}
	if _, found, err := s.PasswordHash(ctx, "nobody@desk.example"); err != nil || found {
		t.Fatalf("PasswordHash of an unknown user: found %v, %v", found, err)
	}
	agent := ticket.User{Email: "agent@desk.example", Role: ticket.RoleAgent}
	for _, hash := range []string{"first-hash", "second-hash"} {
		if err := s.Write(ctx, func(tx *Tx) error {
			if err := tx.PutUser(agent, t0); err != nil {
				return err
			}
			return tx.SetPassword("Agent@Desk.example", hash, t0)
		}); err != nil {
			t.Fatal(err)
		}
		got, found, err := s.PasswordHash(ctx, "AGENT@desk.example")
		if err != nil || !found || got != hash {
			t.Errorf("PasswordHash = %q, %v, %v; want %q", got, found, err, hash)
		}
	}
	// Adding the user again keeps the password.
	if err := s.Write(ctx, func(tx *Tx) error { return tx.PutUser(agent, t0) }); err != nil {
		t.Fatal(err)
	}
	if got, found, _ := s.PasswordHash(ctx, agent.Email); !found || got != "second-hash" {
		t.Errorf("after PutUser: %q, %v", got, found)
	}
	if u, err := s.User(ctx, "AGENT@desk.example"); err != nil || u == nil || u.Role != ticket.RoleAgent {
		t.Errorf("User = %+v, %v", u, err)
	}
	if u, err := s.User(ctx, "nobody@desk.example"); err != nil || u != nil {
		t.Errorf("User of nobody = %+v, %v", u, err)
	}
}

// The raw mail keeps who authenticated, processed or failed.
func TestRawMessageAuthUser(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	ok := RawMessage{ReceivedAt: t0, MailFrom: "agent@desk.example", RcptTo: []string{"control@desk.example"},
		MessageID: "a@x", DedupeKey: "k1", SHA256: "h", Raw: []byte("x"), AuthUser: "agent@desk.example"}
	failed := ok
	failed.DedupeKey, failed.AuthUser = "k2", "pm@desk.example"
	plain := ok
	plain.DedupeKey, plain.AuthUser = "k3", ""
	if err := s.Write(ctx, func(tx *Tx) error {
		if _, err := tx.InsertRaw(ok); err != nil {
			return err
		}
		if _, err := tx.InsertRaw(plain); err != nil {
			return err
		}
		return tx.RecordFailedRaw(failed, "boom")
	}); err != nil {
		t.Fatal(err)
	}
	raws, err := s.RawMessages(ctx, "")
	if err != nil || len(raws) != 3 {
		t.Fatalf("RawMessages: %d, %v", len(raws), err)
	}
	for i, want := range []string{"agent@desk.example", "", "pm@desk.example"} {
		if raws[i].AuthUser != want {
			t.Errorf("raw %s: auth_user %q, want %q", raws[i].DedupeKey, raws[i].AuthUser, want)
		}
	}
}
