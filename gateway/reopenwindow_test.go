package gateway

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"postdesk/ticket"
)

// TestLifecycleReopenWindowFromClosing: the reopen window counts from the
// closing as the history records it, so an out-of-office after the closing
// does not restart it: closed, an auto-reply 10 days later, the customer's
// answer 20 days after the closing with a 14-day window -> a new linked
// ticket; the closed one stays closed.
func TestLifecycleReopenWindowFromClosing(t *testing.T) {
	cfg := testConfig(t)
	cfg.Desk.Reopen, cfg.Desk.ReopenWindowDays = ticket.ReopenTicket, 14
	d := startDesk(t, cfg, false)
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(firstMail)); err != nil {
		t.Fatal(err)
	}
	must(t, set(t, d, "TKT-1", ticket.Change{Assignee: "bob@desk.example"}))
	must(t, set(t, d, "TKT-1", ticket.Change{Status: ticket.StatusClosed}))
	closed := d.clock.Now()
	d.clock.Advance(10 * 24 * time.Hour)
	ooo := fmt.Sprintf("From: anna@client.example\nTo: support@desk.example\nSubject: Out of office: [TKT-1] labels\n" +
		"Auto-Submitted: auto-replied\nMessage-ID: <ooo@client.example>\n\nI am away until next month.\n")
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(ooo)); err != nil {
		t.Fatal(err)
	}
	tk := status(t, d, 1)
	if tk.Status != ticket.StatusClosed || !tk.ClosedAt.Equal(closed) || !tk.UpdatedAt.After(closed) {
		t.Fatalf("after the out-of-office: %s, updated %v, closed at %v (want %v)", tk.Status, tk.UpdatedAt, tk.ClosedAt, closed)
	}
	d.clock.Advance(10 * 24 * time.Hour)
	if out := reply(t, d, 1, "r2", "It is happening again."); !strings.Contains(out, "TKT-2") {
		t.Fatalf("answer 20 days after closing: %q", out)
	}
	if old, linked := status(t, d, 1), status(t, d, 2); old.Status != ticket.StatusClosed || len(linked.Linked) != 1 || linked.Linked[0] != "TKT-1" {
		t.Errorf("old %s, new linked %v", old.Status, linked.Linked)
	}
}
