package gateway

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"postdesk/ticket"
)

// TestSetNoteIsTheStatusReason: `postdesk set --status X --note why` records
// the note as the status event's reason in SQLite, and says it; a resolution
// that contradicts the status is refused and nothing is written.
func TestSetNoteIsTheStatusReason(t *testing.T) {
	d := startDesk(t, testConfig(t), false)
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(firstMail)); err != nil {
		t.Fatal(err)
	}
	must(t, set(t, d, "TKT-1", ticket.Change{Assignee: "bob@desk.example"}))
	var out bytes.Buffer
	must(t, SetTicket(context.Background(), &out, d.Store, d.cfg, testDeps(d.clock, d.dns), SetRequest{Ref: "TKT-1",
		Change: ticket.Change{Actor: "operator", Status: ticket.StatusWaitingCustomer, Note: "bitte im Testsystem prüfen"}}))
	if !strings.Contains(out.String(), "waiting_customer (was assigned)") || !strings.Contains(out.String(), "why: bitte im Testsystem prüfen") {
		t.Errorf("set printed %q", out.String())
	}
	tk := status(t, d, 1)
	last := tk.Events[len(tk.Events)-1]
	for _, e := range tk.Events {
		if e.Type == ticket.EventStatus && e.To == ticket.StatusWaitingCustomer {
			last = e
		}
	}
	if last.Type != ticket.EventStatus || last.Reason != "bitte im Testsystem prüfen" || last.Actor != "operator" {
		t.Errorf("status event %+v", last)
	}
	n := len(tk.Events)
	err := set(t, d, "TKT-1", ticket.Change{Status: ticket.StatusCancelled, Resolution: ticket.ResolutionDuplicate})
	if err == nil || !strings.Contains(err.Error(), "always has resolution cancelled") {
		t.Fatalf("cancelled as duplicate: %v", err)
	}
	if tk := status(t, d, 1); tk.Status != ticket.StatusWaitingCustomer || len(tk.Events) != n {
		t.Errorf("a refused change wrote: %s, %d events (was %d)", tk.Status, len(tk.Events), n)
	}
}
