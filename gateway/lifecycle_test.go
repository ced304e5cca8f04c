package gateway

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"postdesk/store"
	"postdesk/ticket"
)

// reply sends the customer's answer on TKT-n with the given new text.
func reply(t *testing.T, d *desk, n int, id, text string) string {
	t.Helper()
	raw := fmt.Sprintf("From: anna@client.example\nTo: support@desk.example\nSubject: Re: [TKT-%d] labels\n"+
		"Message-ID: <%s@client.example>\n\n%s\n", n, id, text)
	out, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(raw))
	if err != nil {
		t.Fatalf("reply %s: %v", id, err)
	}
	return out
}

func set(t *testing.T, d *desk, ref string, c ticket.Change) error {
	t.Helper()
	c.Actor = "agent@desk.example"
	return SetTicket(context.Background(), &bytes.Buffer{}, d.Store, d.cfg, testDeps(d.clock, d.dns), SetRequest{Ref: ref, Change: c})
}

func status(t *testing.T, d *desk, n int64) ticket.Ticket {
	t.Helper()
	tk, err := d.Store.Ticket(context.Background(), "TKT", n)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// SEMCO: new -> assigned -> waiting for the customer's retest -> "Nachtest
// nicht erfolgreich" -> back to the agent -> resolved -> retest passed -> closed.
func TestRetestLoopOverMail(t *testing.T) {
	d := startDesk(t, testConfig(t), false)
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(firstMail)); err != nil {
		t.Fatal(err)
	}
	must(t, set(t, d, "TKT-1", ticket.Change{Assignee: "bob@desk.example"}))
	must(t, set(t, d, "TKT-1", ticket.Change{Status: ticket.StatusWaitingCustomer, Note: "bitte im Testsystem prüfen"}))
	reply(t, d, 1, "r1", "Nachtest war nicht erfolgreich: Etikett fehlt weiterhin.")
	if tk := status(t, d, 1); tk.Status != ticket.StatusInProgress {
		t.Fatalf("after the failed retest: %s", tk.Status)
	}
	must(t, set(t, d, "TKT-1", ticket.Change{Status: ticket.StatusResolved}))
	reply(t, d, 1, "r2", "Nachtest war erfolgreich, danke.")
	tk := status(t, d, 1)
	if tk.Status != ticket.StatusClosed || tk.Resolution != ticket.ResolutionConfirmedByCustomer || tk.Assignee != "bob@desk.example" {
		t.Fatalf("after the retest passed: %s/%s/%s", tk.Status, tk.Resolution, tk.Assignee)
	}
	var moves []string
	for _, e := range tk.Events {
		if e.Type == ticket.EventStatus {
			moves = append(moves, string(e.From)+">"+string(e.To))
		}
	}
	want := []string{"new>assigned", "assigned>waiting_customer", "waiting_customer>in_progress",
		"in_progress>resolved", "resolved>closed"}
	if !slices.Equal(moves, want) {
		t.Errorf("history %v, want %v", moves, want)
	}
}

// SEKO and Replica do not reopen: an answer after closing opens a new ticket
// linked to the old one, both ways, quoting the old reference.
func TestAnswerAfterCloseOpensLinkedTicket(t *testing.T) {
	cfg := testConfig(t)
	cfg.Desk.Reopen = ticket.NewLinked
	d := startDesk(t, cfg, false)
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(firstMail)); err != nil {
		t.Fatal(err)
	}
	reply(t, d, 1, "r1", "Resolved, thank you.")
	if tk := status(t, d, 1); tk.Status != ticket.StatusClosed {
		t.Fatalf("customer's confirmation: %s", tk.Status)
	}
	if out := reply(t, d, 1, "r2", "It is happening again since this morning."); !strings.Contains(out, "ticket TKT-2") {
		t.Fatalf("answer after closing: %q", out)
	}
	old, linked := status(t, d, 1), status(t, d, 2)
	if old.Status != ticket.StatusClosed || !slices.Equal(old.Linked, []string{"TKT-2"}) {
		t.Errorf("old ticket %s linked %v", old.Status, old.Linked)
	}
	if !slices.Equal(linked.Linked, []string{"TKT-1"}) || !strings.Contains(linked.Summary, "TKT-1") ||
		linked.Severity != 1 || linked.Requester != "anna@client.example" || len(linked.Messages) != 2 {
		t.Errorf("linked ticket = %+v", linked)
	}
	if err := set(t, d, "TKT-1", ticket.Change{Status: ticket.StatusInProgress}); err == nil ||
		!strings.Contains(err.Error(), "does not reopen") {
		t.Errorf("agent reopened a closed ticket on a desk that does not: %v", err)
	}
}

// OCS: on hold until the customer answers; a reply to a closed ticket reopens it.
func TestOnHoldAndReopenOverMail(t *testing.T) {
	d := startDesk(t, testConfig(t), false)
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(firstMail)); err != nil {
		t.Fatal(err)
	}
	must(t, set(t, d, "TKT-1", ticket.Change{Status: ticket.StatusWaitingCustomer}))
	reply(t, d, 1, "r1", "My client ID is 4923.")
	if tk := status(t, d, 1); tk.Status != ticket.StatusInProgress {
		t.Fatalf("answer on hold: %s", tk.Status)
	}
	must(t, set(t, d, "TKT-1", ticket.Change{Status: ticket.StatusClosed}))
	reply(t, d, 1, "r2", "The site is down again.")
	if tk := status(t, d, 1); tk.Status != ticket.StatusInProgress || tk.Resolution != "" {
		t.Fatalf("reply to closed: %s/%s", tk.Status, tk.Resolution)
	}
	list, _ := d.Store.ListTickets(context.Background(), store.TicketFilter{})
	if len(list) != 1 {
		t.Fatalf("%d tickets, want the one reopened", len(list))
	}
}

// A refused change tells why and writes nothing.
func TestRefusedChangeWritesNothing(t *testing.T) {
	d := startDesk(t, testConfig(t), false)
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(firstMail)); err != nil {
		t.Fatal(err)
	}
	must(t, set(t, d, "TKT-1", ticket.Change{Status: ticket.StatusCancelled}))
	before := len(status(t, d, 1).Events)
	err := set(t, d, "TKT-1", ticket.Change{Status: ticket.StatusInProgress, Note: "try anyway"})
	if err == nil || !strings.Contains(err.Error(), "cancelled to in_progress") {
		t.Fatalf("err = %v", err)
	}
	if after := status(t, d, 1); len(after.Events) != before || after.Status != ticket.StatusCancelled {
		t.Fatalf("refused change wrote %d events, status %s", len(after.Events)-before, after.Status)
	}
}
