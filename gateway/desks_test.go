package gateway

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"postdesk/store"
	"postdesk/threading"
	"postdesk/ticket"
)

// exampleDesk starts the desk of examples/NAME.toml on a fresh database.
func exampleDesk(t *testing.T, name string) *desk {
	t.Helper()
	cfg, err := LoadConfig(filepath.Join("..", "examples", name+".toml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Database.Path = filepath.Join(t.TempDir(), name+".db")
	return startDesk(t, cfg, false)
}

// mail is one customer mail to the desk; extra holds more header lines.
func (d *desk) mail(t *testing.T, from, id, subject, extra, body string) (string, error) {
	t.Helper()
	head := fmt.Sprintf("From: %s\nTo: %s\nSubject: %s\nMessage-ID: <%s@client.example>\n",
		from, d.cfg.DeskAddress(), subject, id)
	if extra != "" {
		head += extra + "\n"
	}
	raw := head + "\n" + body + "\n"
	return send(t, d.Addr(), from, []string{d.cfg.DeskAddress()}, crlf(raw))
}

func (d *desk) mustMail(t *testing.T, from, id, subject, extra, body string) string {
	t.Helper()
	out, err := d.mail(t, from, id, subject, extra, body)
	if err != nil {
		t.Fatalf("mail %s: %v", id, err)
	}
	return out
}

func (d *desk) ticket(t *testing.T, ref string) ticket.Ticket {
	t.Helper()
	n, err := threading.NewMatcher(d.cfg.Desk.Prefix, d.cfg.Desk.Domain).ParseRef(ref)
	if err != nil {
		t.Fatal(err)
	}
	tk, err := d.Store.Ticket(context.Background(), d.cfg.Desk.Prefix, n)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func (d *desk) set(t *testing.T, ref string, c ticket.Change) {
	t.Helper()
	c.Actor = "agent@" + d.cfg.Desk.Domain
	if err := SetTicket(context.Background(), &bytes.Buffer{}, d.Store, d.cfg, testDeps(d.clock, d.dns), SetRequest{Ref: ref, Change: c}); err != nil {
		t.Fatal(err)
	}
}

func wantState(t *testing.T, tk ticket.Ticket, s ticket.Status, r ticket.Resolution) {
	t.Helper()
	if tk.Status != s || tk.Resolution != r {
		t.Fatalf("%s is %s/%s, want %s/%s", tk.Ref, tk.Status, tk.Resolution, s, r)
	}
}

// SEKO: Severity subject -> ticket; a colleague shared by CC; the customer
// says it is resolved through the existing trail -> closed; the same problem
// mailed again quoting the old OPSD number -> a new ticket linked to it.
func TestDeskSEKO(t *testing.T) {
	d := exampleDesk(t, "seko")
	d.mustMail(t, "priya@acme.example", "s1", "Severity 1 - Acme Freight - labels not printing",
		"Cc: tom@acme.example", "Brief description of the issue including timestamp (and time zone) of the issue: no labels since 07:45 AEDT\nIs it happening to all orders (Y/N): Y")
	tk := d.ticket(t, "OPSD-1")
	if tk.Severity != 1 || tk.Client != "Acme Freight" || !slices.Equal(tk.Participants, []string{"tom@acme.example"}) ||
		tk.Fields["all_orders"] != "yes" {
		t.Fatalf("OPSD-1 = sev %d client %q participants %v fields %v", tk.Severity, tk.Client, tk.Participants, tk.Fields)
	}
	d.mustMail(t, "priya@acme.example", "s2", "RE: [OPSD-1] labels not printing", "", "Resolved, labels print again.")
	wantState(t, d.ticket(t, "OPSD-1"), ticket.StatusClosed, ticket.ResolutionConfirmedByCustomer)
	out := d.mustMail(t, "priya@acme.example", "s3", "Severity 1 - Acme Freight - labels not printing again", "",
		"The issue is back. Previous request: OPSD-1")
	if !strings.Contains(out, "OPSD-2") {
		t.Fatalf("re-appearing issue: %q", out)
	}
	d.mustMail(t, "tom@acme.example", "s4", "Severity 5 - Acme Freight - label colour", "", "Minor.")
	if tk := d.ticket(t, "OPSD-3"); tk.Severity != 3 || !strings.Contains(tk.Events[1].Reason, "severity 5 is not one of this desk's (1-3)") {
		t.Errorf("OPSD-3 severity %d, events %+v", tk.Severity, tk.Events)
	}
	if n := d.ticket(t, "OPSD-2"); !slices.Equal(n.Linked, []string{"OPSD-1"}) || !slices.Equal(d.ticket(t, "OPSD-1").Linked, []string{"OPSD-2"}) {
		t.Fatalf("links: OPSD-2 %v, OPSD-1 %v", n.Linked, d.ticket(t, "OPSD-1").Linked)
	}
}

// SEMCO: new -> assigned -> Rückmeldung -> "Nachtest nicht erfolgreich" ->
// back to the agent -> retest passed -> closed; the form is read.
func TestDeskSEMCO(t *testing.T) {
	d := exampleDesk(t, "semco")
	d.mustMail(t, "j.mueller@kunde.example", "m1", "Etikettendruck", "",
		"Kategorie: Fehler\nPriorität: Hoch\nZusammenfassung: Etiketten werden nicht gedruckt\nBeschreibung: Seit heute früh kein Druck.")
	tk := d.ticket(t, "SEMCO-1")
	if tk.Fields["category"] != "bug" || tk.Priority != "high" || tk.Category != "bug" {
		t.Fatalf("priority %q category %q fields %v", tk.Priority, tk.Category, tk.Fields)
	}
	wantState(t, tk, ticket.StatusNew, "")
	d.set(t, "SEMCO-1", ticket.Change{Assignee: "bearbeiter@semcosoft.example"})
	wantState(t, d.ticket(t, "SEMCO-1"), ticket.StatusAssigned, "")
	d.set(t, "SEMCO-1", ticket.Change{Status: ticket.StatusWaitingCustomer})
	d.mustMail(t, "j.mueller@kunde.example", "m2", "AW: [SEMCO-1] Etikettendruck", "",
		"Nachtest nicht erfolgreich: weiterhin kein Druck.")
	// Back to the agent: the same one, working on it again.
	tk = d.ticket(t, "SEMCO-1")
	wantState(t, tk, ticket.StatusInProgress, "")
	if tk.Assignee != "bearbeiter@semcosoft.example" {
		t.Fatalf("after the failed retest the assignee is %q", tk.Assignee)
	}
	d.set(t, "SEMCO-1", ticket.Change{Status: ticket.StatusWaitingCustomer})
	d.mustMail(t, "j.mueller@kunde.example", "m3", "AW: [SEMCO-1] Etikettendruck", "",
		"Hallo Herr Schmidt,\n\nder Nachtest war erfolgreich, vielen Dank.")
	tk = d.ticket(t, "SEMCO-1")
	wantState(t, tk, ticket.StatusClosed, ticket.ResolutionConfirmedByCustomer)
	if got, want := statusPath(tk), "new>assigned>waiting_customer>in_progress>waiting_customer>closed"; got != want {
		t.Fatalf("SEMCO-1 went %s, want %s", got, want)
	}
}

// statusPath is the states a ticket went through, from its status events.
func statusPath(tk ticket.Ticket) string {
	path := []string{}
	for _, e := range tk.Events {
		if e.To == "" || (len(path) > 0 && path[len(path)-1] == string(e.To)) {
			continue
		}
		if len(path) == 0 && e.From != "" {
			path = append(path, string(e.From))
		}
		path = append(path, string(e.To))
	}
	return strings.Join(path, ">")
}

// Replica: an unregistered sender is refused and nothing opened; a registered
// user opens; a participant from another organisation is refused, the project
// manager accepted; resolved; an answer after closing opens a new linked ticket.
func TestDeskReplica(t *testing.T) {
	d := exampleDesk(t, "replica")
	if _, err := d.mail(t, "mario@altro.example", "r0", "stampa etichette", "", "aiuto"); smtpCode(err) != "550 5.7.1" ||
		!strings.Contains(err.Error(), "centralino") {
		t.Fatalf("unregistered sender: %v", err)
	}
	if list, err := d.Store.ListTickets(context.Background(), store.TicketFilter{}); err != nil || len(list) != 0 {
		t.Fatalf("after the refusal: %d tickets (%v), want none", len(list), err)
	}
	d.mustMail(t, "giulia.rossi@cliente.example", "r1", "Stampa etichette bloccata",
		"Cc: capoprogetto@replica.example, estraneo@altro.example", "Non stampa più.")
	tk := d.ticket(t, "RPL-1")
	if !slices.Equal(tk.Participants, []string{"capoprogetto@replica.example"}) {
		t.Fatalf("participants = %v", tk.Participants)
	}
	if !slices.ContainsFunc(tk.Events, func(e ticket.Event) bool {
		return strings.Contains(e.Reason, "not added as participant") && strings.Contains(e.Reason, "estraneo@altro.example")
	}) {
		t.Fatalf("no event records the refused participant: %+v", tk.Events)
	}
	d.set(t, "RPL-1", ticket.Change{Status: ticket.StatusResolved, Resolution: ticket.ResolutionFixed})
	d.mustMail(t, "giulia.rossi@cliente.example", "r2", "R: [RPL-1] Stampa etichette bloccata", "", "Risolto, grazie.")
	wantState(t, d.ticket(t, "RPL-1"), ticket.StatusClosed, ticket.ResolutionConfirmedByCustomer)
	d.mustMail(t, "giulia.rossi@cliente.example", "r3", "R: [RPL-1] Stampa etichette bloccata", "", "Il problema si ripresenta.")
	if n := d.ticket(t, "RPL-2"); !slices.Equal(n.Linked, []string{"RPL-1"}) || n.Status != ticket.StatusNew ||
		!strings.Contains(n.Subject, "RPL-1") && !strings.Contains(n.Summary, "RPL-1") && !strings.Contains(n.Events[0].Reason, "RPL-1") {
		t.Fatalf("RPL-2 = %s linked %v subject %q events %+v", n.Status, n.Linked, n.Subject, n.Events)
	}
	old := d.ticket(t, "RPL-1")
	wantState(t, old, ticket.StatusClosed, ticket.ResolutionConfirmedByCustomer)
	if !slices.Equal(old.Linked, []string{"RPL-2"}) {
		t.Fatalf("RPL-1 links %v, want its follow-up RPL-2", old.Linked)
	}
}

// OCS: mail-in gets medium priority; on hold; the customer's reply reopens;
// a reply to a closed ticket reopens it.
func TestDeskOCS(t *testing.T) {
	d := exampleDesk(t, "ocs")
	d.mustMail(t, "abc@abcshipping.example", "o1", "Help! My website is down!", "", "My domain is abcshipping.example, client ID 4923.")
	if tk := d.ticket(t, "OCS-1"); tk.Priority != "medium" {
		t.Fatalf("mail-in priority = %q", tk.Priority)
	}
	d.set(t, "OCS-1", ticket.Change{Status: ticket.StatusWaitingCustomer})
	// The customer reads OCS's own word for the state (desk.status_words).
	var notice string
	for _, m := range d.ticket(t, "OCS-1").Messages {
		if m.Direction == ticket.Out && slices.Contains(m.To, "abc@abcshipping.example") {
			notice = m.Text
		}
	}
	if !strings.Contains(notice, "on hold") || strings.Contains(notice, "waiting for your answer") {
		t.Fatalf("the on-hold notice says:\n%s", notice)
	}
	// An out-of-office answer (RFC 3834) changes nothing.
	d.mustMail(t, "abc@abcshipping.example", "o-ooo", "Automatic reply: [OCS-1] Help! My website is down!",
		"Auto-Submitted: auto-replied", "I am out of the office until Monday.")
	wantState(t, d.ticket(t, "OCS-1"), ticket.StatusWaitingCustomer, "")
	d.mustMail(t, "abc@abcshipping.example", "o2", "Re: [OCS-1] Help! My website is down!", "", "The username is abc.")
	wantState(t, d.ticket(t, "OCS-1"), ticket.StatusInProgress, "")
	d.set(t, "OCS-1", ticket.Change{Status: ticket.StatusClosed})
	d.mustMail(t, "abc@abcshipping.example", "o3", "Re: [OCS-1] Help! My website is down!", "", "It is down again.")
	wantState(t, d.ticket(t, "OCS-1"), ticket.StatusInProgress, "")
	if list, _ := d.Store.ListTickets(context.Background(), store.TicketFilter{}); len(list) != 1 {
		t.Fatalf("%d tickets, want 1", len(list))
	}
}

// SERA: a CC'd key user becomes a participant; urgency "Vraag" is kept; a
// closed ticket reopens by answering the last message.
func TestDeskSERA(t *testing.T) {
	d := exampleDesk(t, "sera")
	if _, err := d.mail(t, "anoniem@elders.example", "n0", "Vraag", "", "Hallo"); smtpCode(err) != "550 5.7.1" {
		t.Fatalf("sender without an account: %v", err)
	}
	d.mustMail(t, "j.devries@school.example", "n1", "Rooster exporteren", "Cc: keyuser@school.example",
		"Urgentie: Vraag\nAfdeling: SERA Datawijzer\nOnderwerp: Rooster exporteren\nProbleemstelling: Hoe exporteer ik het rooster?")
	tk := d.ticket(t, "SERA-1")
	if !slices.Equal(tk.Participants, []string{"keyuser@school.example"}) || tk.Priority != "question" ||
		tk.Department != "datawijzer" {
		t.Fatalf("SERA-1 participants %v fields %v", tk.Participants, tk.Fields)
	}
	d.set(t, "SERA-1", ticket.Change{Status: ticket.StatusClosed})
	// Answering the last message the customer got, as a mail program does:
	// In-Reply-To names it; the subject carries no reference.
	last := ""
	for _, m := range d.ticket(t, "SERA-1").Messages {
		if m.Direction == ticket.Out && slices.Contains(m.To, "j.devries@school.example") {
			last = m.MessageID
		}
	}
	if last == "" {
		t.Fatal("the customer got no mail to answer")
	}
	d.mustMail(t, "j.devries@school.example", "n2", "Re: Rooster exporteren", "In-Reply-To: <"+last+">", "Het lukt nog steeds niet.")
	wantState(t, d.ticket(t, "SERA-1"), ticket.StatusInProgress, "")
	if list, _ := d.Store.ListTickets(context.Background(), store.TicketFilter{}); len(list) != 1 {
		t.Fatalf("%d tickets, want the one reopened", len(list))
	}
}
