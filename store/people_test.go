package store

import (
	"context"
	"testing"
	"time"

	"postdesk/ticket"
)

// Putting people exactly as they are stored changes no row (every
// `postdesk deliver` loads the config's people); a change is written, and a
// domain dropped from an organisation leaves it.
func TestPutPeopleUnchangedWritesNothing(t *testing.T) {
	st, _ := openTest(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	org := ticket.Org{Name: "Client", Domains: []string{"client.example", "Client.NET"}, Manager: "PM@desk.example"}
	user := ticket.User{Email: "Anna@client.example", Name: "Anna", Org: "Client", Role: ticket.RoleCustomer, Lang: "de"}
	put := func(o ticket.Org, u ticket.User) (changes int64) {
		t.Helper()
		if err := st.Write(ctx, func(tx *Tx) error {
			var before, after int64
			if err := tx.tx.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&before); err != nil {
				return err
			}
			if err := tx.PutOrg(o, now); err != nil {
				return err
			}
			if err := tx.PutUser(u, now); err != nil {
				return err
			}
			if err := tx.tx.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&after); err != nil {
				return err
			}
			changes = after - before
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return changes
	}
	if n := put(org, user); n != 4 {
		t.Fatalf("first load changed %d rows, want 4 (org, 2 domains, user)", n)
	}
	if n := put(org, user); n != 0 {
		t.Fatalf("loading the same people again changed %d rows", n)
	}
	user.Lang = "it"
	org.Domains = []string{"client.example"}
	if n := put(org, user); n != 2 {
		t.Fatalf("a changed language and a dropped domain changed %d rows, want 2", n)
	}
	if err := st.Write(ctx, func(tx *Tx) error {
		o, err := tx.OrgByDomain("client.net")
		if err != nil || o != nil {
			t.Errorf("dropped domain still belongs to %v (%v)", o, err)
		}
		u, err := tx.User("anna@client.example")
		if err != nil || u == nil || u.Lang != "it" {
			t.Errorf("user = %+v (%v)", u, err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
