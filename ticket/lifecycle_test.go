package ticket

import (
	"strings"
	"testing"
	"time"
)

var lcNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func lcDesk(mode string, window int) Desk {
	return Desk{Prefix: "TKT", Address: "support@desk.example", DefaultSeverity: 3,
		Reopen: ReopenPolicy{Mode: mode, WindowDays: window}, Intents: DefaultIntents}
}

func lcTicket(s Status) Ticket {
	return Ticket{ID: 1, Ref: "TKT-1", Status: s, Requester: "anna@client.example", Fields: map[string]string{},
		UpdatedAt: lcNow.Add(-time.Hour)}
}

func TestSet(t *testing.T) {
	for _, tc := range []struct {
		name     string
		from     Status
		mode     string
		change   Change
		want     Status
		wantRes  Resolution
		wantAsg  string
		wantErr  string
		wantEvts int
	}{
		{"assign a new ticket", StatusNew, ReopenTicket, Change{Assignee: "Bob@Desk.example"}, StatusAssigned, "", "bob@desk.example", "", 1 + 1},
		{"start work", StatusAssigned, ReopenTicket, Change{Status: StatusInProgress}, StatusInProgress, "", "", "", 1},
		{"resolve defaults to fixed", StatusInProgress, ReopenTicket, Change{Status: StatusResolved}, StatusResolved, ResolutionFixed, "", "", 1},
		{"resolve needing a quote", StatusInProgress, ReopenTicket, Change{Status: StatusResolved, Resolution: ResolutionQuoteRequired}, StatusResolved, ResolutionQuoteRequired, "", "", 1},
		{"cancel", StatusNew, ReopenTicket, Change{Status: StatusCancelled}, StatusCancelled, ResolutionCancelled, "", "", 1},
		{"dev request", StatusInProgress, ReopenTicket, Change{Status: StatusDevRequest}, StatusDevRequest, "", "", "", 1},
		{"reopen closed where the desk reopens", StatusClosed, ReopenTicket, Change{Status: StatusInProgress}, StatusInProgress, "", "agent@desk.example", "", 2},
		{"note only", StatusNew, ReopenTicket, Change{Note: "called the customer"}, StatusNew, "", "", "", 1},
		{"closed cannot go back to new", StatusClosed, ReopenTicket, Change{Status: StatusNew}, "", "", "", "cannot go from closed to new", 0},
		{"closed not reopened where the desk says so", StatusClosed, NewLinked, Change{Status: StatusInProgress}, "", "", "", "does not reopen", 0},
		{"cancelled is final", StatusCancelled, ReopenTicket, Change{Status: StatusInProgress}, "", "", "", "it is final", 0},
		{"assigned needs an assignee", StatusNew, ReopenTicket, Change{Status: StatusAssigned}, "", "", "", "without an assignee", 0},
		{"resolution on an open ticket", StatusInProgress, ReopenTicket, Change{Resolution: ResolutionFixed}, "", "", "", "belongs to a resolved or closed", 0},
		{"resolution with an open status", StatusNew, ReopenTicket, Change{Status: StatusInProgress, Resolution: ResolutionFixed}, "", "", "", "not in_progress", 0},
		{"same status again", StatusInProgress, ReopenTicket, Change{Status: StatusInProgress}, "", "", "", "already", 0},
		{"nothing at all", StatusInProgress, ReopenTicket, Change{}, "", "", "", "nothing to change", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tk := lcTicket(tc.from)
			if tc.from == StatusClosed {
				tk.Resolution = ResolutionFixed
			}
			if tc.from == StatusAssigned {
				tk.Assignee = "bob@desk.example"
			}
			tc.change.Actor = "agent@desk.example"
			dec, err := Set(lcDesk(tc.mode, 0), tk, tc.change, lcNow)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one saying %q", err, tc.wantErr)
				}
				if dec.Ticket.Ref != "" || len(dec.Events) != 0 {
					t.Fatalf("a refused change returned a decision: %+v", dec)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := dec.Ticket
			if got.Status != tc.want || got.Resolution != tc.wantRes || (tc.wantAsg != "" && got.Assignee != tc.wantAsg) {
				t.Errorf("ticket = %s/%s/%s, want %s/%s/%s", got.Status, got.Resolution, got.Assignee, tc.want, tc.wantRes, tc.wantAsg)
			}
			if len(dec.Events) != tc.wantEvts || !got.UpdatedAt.Equal(lcNow) {
				t.Errorf("events = %+v (want %d), updated %v", dec.Events, tc.wantEvts, got.UpdatedAt)
			}
			if tk.Status != tc.from {
				t.Errorf("Set changed the caller's ticket")
			}
		})
	}
}

func TestUnassignMakesNewAgain(t *testing.T) {
	tk := lcTicket(StatusAssigned)
	tk.Assignee = "bob@desk.example"
	dec, err := Set(lcDesk(ReopenTicket, 0), tk, Change{Assignee: "-"}, lcNow)
	if err != nil || dec.Ticket.Status != StatusNew || dec.Ticket.Assignee != "" {
		t.Fatalf("unassign: %+v, %v", dec.Ticket, err)
	}
}

func TestCustomerReply(t *testing.T) {
	for _, tc := range []struct {
		name       string
		from       Status
		mode       string
		window     int
		closedAgo  time.Duration
		newText    string
		automated  string
		want       Status
		wantRes    Resolution
		wantLinked bool
	}{
		{"answer while waiting", StatusWaitingCustomer, ReopenTicket, 0, 0, "Here are the logs.", "", StatusInProgress, "", false},
		{"confirm on resolved", StatusResolved, ReopenTicket, 0, 0, "Resolved, thanks!", "", StatusClosed, ResolutionConfirmedByCustomer, false},
		{"SEMCO retest passed", StatusResolved, ReopenTicket, 0, 0, "Nachtest war erfolgreich.\nDanke", "", StatusClosed, ResolutionConfirmedByCustomer, false},
		{"SEMCO retest failed", StatusResolved, ReopenTicket, 0, 0, "Nachtest war nicht erfolgreich, weil ...", "", StatusInProgress, "", false},
		{"retest failed in English", StatusResolved, ReopenTicket, 0, 0, "Hi, retest failed: still no labels", "", StatusInProgress, "", false},
		{"other answer to resolved", StatusResolved, ReopenTicket, 0, 0, "What did you change?", "", StatusInProgress, "", false},
		{"SEKO resolved through the trail", StatusInProgress, NewLinked, 0, 0, "resolved", "", StatusClosed, ResolutionConfirmedByCustomer, false},
		{"Dutch confirm", StatusInProgress, ReopenTicket, 0, 0, "Opgelost, bedankt", "", StatusClosed, ResolutionConfirmedByCustomer, false},
		{"plain comment changes nothing", StatusInProgress, ReopenTicket, 0, 0, "It also fails for NZ.", "", StatusInProgress, "", false},
		{"word inside prose is no intent", StatusInProgress, ReopenTicket, 0, 0, "We thought it was resolved but no.", "", StatusInProgress, "", false},
		{"OCS reopen", StatusClosed, ReopenTicket, 0, 0, "It is back.", "", StatusInProgress, "", false},
		{"reopen within the window", StatusClosed, ReopenTicket, 14, 10 * 24 * time.Hour, "It is back.", "", StatusInProgress, "", false},
		{"window passed opens a linked ticket", StatusClosed, ReopenTicket, 14, 20 * 24 * time.Hour, "It is back.", "", StatusClosed, ResolutionFixed, true},
		{"Replica closed is never reopened", StatusClosed, NewLinked, 0, 0, "It is back.", "", StatusClosed, ResolutionFixed, true},
		{"answer to cancelled", StatusCancelled, ReopenTicket, 0, 0, "Actually I need help.", "", StatusCancelled, ResolutionCancelled, true},
		{"out-of-office changes nothing", StatusWaitingCustomer, ReopenTicket, 0, 0, "I am away", "auto-reply", StatusWaitingCustomer, "", false},
		{"bounce never reopens", StatusClosed, ReopenTicket, 0, 0, "", "bounce", StatusClosed, ResolutionFixed, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tk := lcTicket(tc.from)
			switch tc.from {
			case StatusClosed:
				tk.Resolution = ResolutionFixed
			case StatusCancelled:
				tk.Resolution = ResolutionCancelled
			}
			if tc.closedAgo > 0 {
				tk.UpdatedAt = lcNow.Add(-tc.closedAgo)
			}
			in := Inbound{MessageID: "r@x", From: "anna@client.example", NewText: tc.newText, Automated: tc.automated}
			dec := CustomerReply(lcDesk(tc.mode, tc.window), tk, in, lcNow)
			if dec.Ticket.Status != tc.want || dec.Ticket.Resolution != tc.wantRes || dec.OpenLinked != tc.wantLinked {
				t.Errorf("got %s/%s linked=%v, want %s/%s linked=%v", dec.Ticket.Status, dec.Ticket.Resolution,
					dec.OpenLinked, tc.want, tc.wantRes, tc.wantLinked)
			}
			if tc.wantLinked && !dec.Ticket.UpdatedAt.Equal(tk.UpdatedAt) {
				t.Errorf("the closed ticket was touched: %+v", dec.Ticket)
			}
		})
	}
}

func TestOpenLinkedQuotesTheOldReference(t *testing.T) {
	old := lcTicket(StatusClosed)
	old.Severity, old.Client = 1, "Acme"
	dec := OpenLinked(lcDesk(NewLinked, 0), old, Inbound{From: "anna@client.example", Summary: "labels again"}, lcNow)
	tk := dec.Ticket
	if tk.Summary != "labels again (follows TKT-1)" || len(tk.Linked) != 1 || tk.Linked[0] != "TKT-1" ||
		tk.Severity != 1 || tk.Client != "Acme" || tk.Status != StatusNew {
		t.Fatalf("linked ticket = %+v", tk)
	}
	if !dec.Acknowledge {
		t.Errorf("the new ticket is acknowledged like any other: %+v", dec)
	}
}

func TestMayOpen(t *testing.T) {
	user := &User{Email: "a@client.example", Role: RoleCustomer}
	org := &Org{Name: "Client", Domains: []string{"client.example"}}
	for _, tc := range []struct {
		policy string
		user   *User
		org    *Org
		want   bool
	}{
		{RegistrationOpen, nil, nil, true},
		{RegistrationRegistered, user, nil, true},
		{RegistrationRegistered, nil, org, false},
		{RegistrationRegistered, nil, nil, false},
		{RegistrationDomains, nil, org, true},
		{RegistrationDomains, user, nil, true},
		{RegistrationDomains, nil, nil, false},
	} {
		ok, reason := MayOpen(tc.policy, "x@y.example", tc.user, tc.org)
		if ok != tc.want || (!ok && !strings.Contains(reason, "x@y.example")) {
			t.Errorf("%s user=%v org=%v: %v %q, want %v", tc.policy, tc.user != nil, tc.org != nil, ok, reason, tc.want)
		}
	}
	if err := (User{Email: "a@b.example", Role: "boss"}).Check(); err == nil || !strings.Contains(err.Error(), "role") {
		t.Errorf("bad role accepted: %v", err)
	}
	if err := (Org{Name: "X", Domains: []string{"@x"}}).Check(); err == nil {
		t.Error("bad domain accepted")
	}
}

func TestOpenTakesTheDeskScheme(t *testing.T) {
	d := lcDesk(ReopenTicket, 0)
	d.DefaultPriority, d.Priorities, d.Categories = "normal", []string{"low", "normal", "high"}, []string{"bug"}
	dec := Open(d, Inbound{From: "a@x.example", Fields: map[string]string{"priority": "high", "category": "bug", "department": "x"}}, lcNow)
	if tk := dec.Ticket; tk.Priority != "high" || tk.Category != "bug" || tk.Department != "x" {
		t.Errorf("ticket %q %q %q", tk.Priority, tk.Category, tk.Department)
	}
	dec = Open(d, Inbound{From: "a@x.example", Fields: map[string]string{"urgency": "urgent!"}}, lcNow)
	if dec.Ticket.Priority != "normal" || !strings.Contains(dec.Events[len(dec.Events)-1].Reason, `urgency "urgent!" is not one of`) {
		t.Errorf("unknown priority: %q, events %+v", dec.Ticket.Priority, dec.Events)
	}
}
