package gateway

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"postdesk/templates"
	"postdesk/ticket"
)

// events of ticket ref whose reason contains s.
func (d *desk) eventsWith(t *testing.T, ref, s string) []ticket.Event {
	t.Helper()
	var out []ticket.Event
	for _, e := range d.ticket(t, ref).Events {
		if strings.Contains(e.Reason, s) {
			out = append(out, e)
		}
	}
	return out
}

// fire runs one pass of the timer loop.
func (d *desk) fire(t *testing.T) {
	t.Helper()
	if _, _, err := d.timers.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// SEKO: Severity 1 escalates to the account manager at once; the third
// ticket of a client about the same issue within 24 hours escalates and is
// linked to the others; the SLA breach and "unresolved after 3 business
// days" escalate once each, however often the loop runs.
func TestSEKOEscalations(t *testing.T) {
	d := exampleDesk(t, "seko")
	am := "am@omniparcel.example"
	d.mustMail(t, "ops@acme.example", "s1", "Severity 1 - Acme Freight - labels not printing", "", "All depots are down.")
	tk := d.ticket(t, "OPSD-1")
	if tk.Escalated == nil || len(d.eventsWith(t, "OPSD-1", "severity 1 escalates at once")) != 1 {
		t.Fatalf("Severity 1 is not escalated at once: %+v", tk.Events)
	}
	if n := len(queued(t, d.Store, templates.KindEscalation, am)); n != 1 {
		t.Fatalf("%d escalation mails to the account manager, want 1", n)
	}

	for i, id := range []string{"r1", "r2", "r3"} {
		d.clock.Advance(time.Hour)
		d.mustMail(t, "ops@acme.example", id, "Severity 3 - Acme Freight - scanner offline at depot", "", "again")
		if i < 2 && d.ticket(t, "OPSD-"+string(rune('2'+i))).Escalated != nil {
			t.Fatalf("ticket %d of the series escalated early", i+1)
		}
	}
	third := d.ticket(t, "OPSD-4")
	if third.Escalated == nil || !strings.Contains(third.EscalationReason, "3 tickets of Acme Freight") ||
		len(third.Linked) != 2 {
		t.Fatalf("the third similar ticket: escalated %v (%s), linked %v", third.Escalated, third.EscalationReason, third.Linked)
	}

	var soon bytes.Buffer
	if err := WriteTickets(context.Background(), &soon, d.Store, d.cfg, testDeps(d.clock, d.dns), TicketQuery{DueWithin: 2 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(soon.String(), "OPSD-1") || strings.Contains(soon.String(), "OPSD-2") {
		t.Errorf("tickets --due-within 2h, an hour before OPSD-1 is due:\n%s", soon.String())
	}

	// Five hours after OPSD-1 came in its 4 hours are over, and nobody
	// answered within the hour.
	d.clock.Advance(2 * time.Hour)
	d.fire(t)
	d.fire(t)
	if n := len(d.eventsWith(t, "OPSD-1", "SLA breached: the resolution target was missed")); n != 1 {
		t.Errorf("resolution breach recorded %d times, want once", n)
	}
	if n := len(d.eventsWith(t, "OPSD-1", "SLA breached: no first response")); n != 1 {
		t.Errorf("first-response breach recorded %d times, want once", n)
	}
	var list bytes.Buffer
	if err := WriteTickets(context.Background(), &list, d.Store, d.cfg, testDeps(d.clock, d.dns), TicketQuery{Breached: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(list.String(), "OPSD-1") || strings.Contains(list.String(), "OPSD-2") {
		t.Errorf("tickets --breached:\n%s", list.String())
	}

	// OPSD-2 came in Monday 23:00 in Auckland, outside hours: its three
	// business days run from Tuesday 08:30 to Thursday 17:00 NZDT.
	d.clock.Advance(4 * 24 * time.Hour)
	d.fire(t)
	d.fire(t)
	if n := len(d.eventsWith(t, "OPSD-2", "unresolved after 3 business days")); n != 1 {
		t.Errorf("OPSD-2 unresolved escalation recorded %d times, want once", n)
	}
}

// Replica: a resolved ticket the customer does not answer is reminded 5
// days before, and closed after 30 days with resolution no_response.
func TestReplicaAutoClose(t *testing.T) {
	d := exampleDesk(t, "replica")
	giulia := "giulia.rossi@cliente.example"
	d.mustMail(t, giulia, "g1", "Stampa etichette", "", "Non stampa.")
	d.set(t, "RPL-1", ticket.Change{Status: ticket.StatusResolved, Resolution: ticket.ResolutionFixed})

	d.clock.Advance(24 * 24 * time.Hour)
	d.fire(t)
	if n := len(queued(t, d.Store, templates.KindReminder, giulia)); n != 0 {
		t.Fatalf("reminded after 24 days")
	}
	d.clock.Advance(24 * time.Hour)
	d.fire(t)
	d.fire(t)
	if n := len(queued(t, d.Store, templates.KindReminder, giulia)); n != 1 {
		t.Fatalf("%d reminders after 25 days, want 1", n)
	}
	wantState(t, d.ticket(t, "RPL-1"), ticket.StatusResolved, ticket.ResolutionFixed)

	d.clock.Advance(5 * 24 * time.Hour)
	d.fire(t)
	wantState(t, d.ticket(t, "RPL-1"), ticket.StatusClosed, ticket.ResolutionNoResponse)
	if n := len(queued(t, d.Store, templates.KindStatus, giulia)); n != 1 {
		t.Errorf("%d closing notices, want 1", n)
	}
	d.fire(t)
	if n := len(d.eventsWith(t, "RPL-1", "closed: no answer 30 days after the resolution")); n != 1 {
		t.Errorf("auto-close recorded %d times", n)
	}

	// A customer who answers stops the clock: RPL-2 goes back to work and
	// does not close.
	d.mustMail(t, giulia, "g2", "Scanner", "", "Non scansiona.")
	d.set(t, "RPL-2", ticket.Change{Status: ticket.StatusResolved, Resolution: ticket.ResolutionFixed})
	d.clock.Advance(10 * 24 * time.Hour)
	d.mustMail(t, giulia, "g3", "Re: [RPL-2] Scanner", "", "Ancora non funziona.")
	d.clock.Advance(25 * 24 * time.Hour)
	d.fire(t)
	if tk := d.ticket(t, "RPL-2"); tk.Status == ticket.StatusClosed {
		t.Fatalf("RPL-2 closed although the customer answered")
	}

	// A desk that was down when both the reminder and the close fell due
	// reminds first and closes only after the days the reminder promises.
	d.mustMail(t, giulia, "g4", "Fattura", "", "Errore.")
	d.set(t, "RPL-3", ticket.Change{Status: ticket.StatusResolved, Resolution: ticket.ResolutionFixed})
	d.clock.Advance(40 * 24 * time.Hour)
	d.fire(t)
	wantState(t, d.ticket(t, "RPL-3"), ticket.StatusResolved, ticket.ResolutionFixed)
	if n := len(d.eventsWith(t, "RPL-3", "reminder: the ticket closes by itself")); n != 1 {
		t.Fatalf("late reminder recorded %d times", n)
	}
	d.clock.Advance(5 * 24 * time.Hour)
	d.fire(t)
	wantState(t, d.ticket(t, "RPL-3"), ticket.StatusClosed, ticket.ResolutionNoResponse)
}

// SERA: outside office hours a normal ticket's acknowledgement says when it
// will be handled; an urgent one (Hoog) is told to the on-call agent at once.
func TestSERAOfficeHours(t *testing.T) {
	d := exampleDesk(t, "sera")
	jan := "j.devries@school.example"
	d.clock.Advance(10 * time.Hour) // Monday 20:00 in Amsterdam
	d.mustMail(t, jan, "n1", "Rooster", "", "Urgentie: Gemiddeld\nProbleemstelling: Rooster exporteren lukt niet.")
	ack := lastText(t, queued(t, d.Store, templates.KindAck, jan))
	if !strings.Contains(ack, "dinsdag 24 november 2026, 08:00") {
		t.Errorf("the after-hours acknowledgement does not say when:\n%s", ack)
	}
	if n := len(queued(t, d.Store, templates.KindOpened, "piket@sera.example")); n != 0 {
		t.Errorf("the on-call agent was told of a normal ticket")
	}
	d.mustMail(t, jan, "n2", "Storing", "", "Urgentie: Hoog\nProbleemstelling: Niemand kan inloggen.")
	rows := queued(t, d.Store, templates.KindOpened, "piket@sera.example")
	if len(rows) != 1 || !strings.Contains(rows[0].Text, "SERA-2") {
		t.Fatalf("the on-call agent was not told of the urgent ticket: %+v", rows)
	}
	if len(d.eventsWith(t, "SERA-2", "urgent, outside office hours")) != 1 {
		t.Errorf("SERA-2 history does not say it was urgent outside hours")
	}
}

// A restart in the middle of a due window: the desk is down when the SLA
// falls due; at the next start the breach fires, late, once, and says so.
func TestTimerFiresLateAfterRestart(t *testing.T) {
	cfg := testConfig(t)
	cfg.SLA.Targets = []TargetConfig{{Severity: 0, Resolution: 4 * time.Hour}}
	cfg.Escalation = []EscalationRule{{Trigger: TriggerSLABreach}, {Trigger: TriggerSLAWarning, Fraction: 0.5}}
	first := startDesk(t, cfg, false)
	first.mustMail(t, "anna@client.example", "a1", "printer", "", "broken")
	first.clock.Advance(3 * time.Hour)
	first.fire(t)
	if len(first.eventsWith(t, "TKT-1", "SLA breached")) != 0 {
		t.Fatal("breached before its time")
	}
	if w := first.eventsWith(t, "TKT-1", "SLA warning: 50% of the resolution target used"); len(w) != 1 ||
		!strings.Contains(w[0].Reason, "fired late") {
		// Due at +2h, it fires at +3h: the loop did not run in between.
		t.Fatalf("warning events: %+v", w)
	}
	if err := first.Close(context.Background()); err != nil {
		t.Fatal(err)
	}

	clock := &fakeClock{t: first.clock.Now().Add(2 * time.Hour)} // due an hour ago
	second := &desk{cfg: cfg, clock: clock, dns: &fakeDNS{}}
	var err error
	second.Daemon, err = Start(context.Background(), cfg, testDeps(clock, second.dns), listen(t))
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close(context.Background())
	waitFor(t, func() bool {
		events, _ := second.Store.Events(context.Background(), 1)
		for _, e := range events {
			if strings.Contains(e.Reason, "SLA breached") {
				return true
			}
		}
		return false
	})
	second.fire(t)
	got := second.eventsWith(t, "TKT-1", "SLA breached")
	if len(got) != 1 || !strings.Contains(got[0].Reason, "fired late: due 2026-11-23T13:00:00Z, 1h0m0s ago") {
		t.Fatalf("late breach events: %+v", got)
	}
}
